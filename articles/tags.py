"""Topic tags: one tag per topic however it is typed, and an address readers can follow for each.

**One tag per topic.** « Numérique », « #numérique » and « NUMERIQUE », or « Startup »,
« start-up » and « Start up », are one topic to a desk: ``tag_key`` folds a name to what they
share (case, accents, a leading « # », spaces and hyphens left out), the article form turns a
typed name into the existing tag with the same key (``existing_names``), and its autocomplete
offers that tag first (``matching_tags``). A plural is another word (« Startups » stays apart):
folding it would merge « Mines » with « Mine ».

**Addresses.**
taggit makes a tag's slug from its name without what is not ASCII
(``TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING``), so « Москва », « 日本 », « 😀 » or « !!! » would
get an empty one, and every page linking the tag would fail to build its address. Names are
transliterated instead (anyascii: « Москва » → moskva, « 日本 » → riben, « 😀 » → grinning), and
a name with nothing to transliterate gets a stable address of its own (« mot-cle-1a2b3c4d »).
"""

import functools
import hashlib
import re

from anyascii import anyascii
from django.core.validators import slug_re
from django.db.models import Count
from django.utils.text import slugify
from taggit.models import Tag

from common.text import fold, numbered

SLUG_LENGTH = 100
FALLBACK_PREFIX = "mot-cle-"


def tag_slug(name: str) -> str:
    """The address part a tag named ``name`` should have, before making it unique."""
    slug = slugify(anyascii(name or ""))[:SLUG_LENGTH].strip("-")
    return slug or FALLBACK_PREFIX + hashlib.sha256((name or "").encode()).hexdigest()[:8]


def is_usable_slug(slug: str) -> bool:
    """What ``{% url 'articles:tag' slug %}`` accepts: ASCII letters, digits, hyphens, underscores."""
    return bool(slug) and bool(slug_re.match(slug))


def unique_tag_slug(name: str, tags, exclude_pk=None) -> str:
    """``tag_slug(name)``, numbered (« moskva-2 ») if another of ``tags`` (a Tag queryset) has it."""
    return numbered(tag_slug(name), lambda slug: tags.filter(slug=slug).exclude(pk=exclude_pk).exists(), SLUG_LENGTH)


# Left out of a tag's key: spaces, hyphens (typed or typographic) and underscores.
_KEY_IGNORES = re.compile(r"[\s_\-\u2010-\u2015]+")


# Remembered per process: a name's key never changes, and each autocomplete answer folds every
# tag's name (20,000 names: 190–390 ms folded, 1.4 ms remembered).
@functools.lru_cache(maxsize=50_000)
def tag_key(name: str) -> str:
    """What names of the same topic share: « #Numérique » and « numerique » → « numerique »,
    « Start-up » and « start up » → « startup »."""
    return _KEY_IGNORES.sub("", fold(name or "").strip().lstrip("#"))


def typed_name(name: str) -> str:
    """A new tag's name as typed, without the leading « # » of a social network, spaces made single."""
    return " ".join((name or "").strip().lstrip("#").split())


def _tags_by_key() -> dict[str, list[tuple[int, str]]]:
    # Every tag's name by its key, folded here with the site's one folding (common.text) rather
    # than in SQL, which would need it written twice (PostgreSQL's unaccent, nothing on SQLite).
    keys: dict[str, list[tuple[int, str]]] = {}
    for pk, name in Tag.objects.values_list("pk", "name"):
        keys.setdefault(tag_key(name), []).append((pk, name))
    return keys


def _preferred(candidates: list[tuple[int, str]]) -> str:
    """Among tags of one key (duplicates made before this rule), the one on the most articles."""
    if len(candidates) == 1:
        return candidates[0][1]
    counted = (
        Tag.objects.filter(pk__in=[pk for pk, _name in candidates])
        .annotate(uses=Count("articles_taggedarticle_items"))
        .order_by("-uses", "pk")
        .values_list("name", flat=True)
    )
    return counted[0]


def existing_names(names: list[str]) -> list[str]:
    """The tag names typed in a form, each replaced by the existing tag of the same key, new
    ones without a leading « # »; two typed names of one topic become one."""
    keys = _tags_by_key() if names else {}
    result: list[str] = []
    seen: set[str] = set()
    for name in names:
        key = tag_key(name)
        if not key or key in seen:
            continue
        seen.add(key)
        result.append(_preferred(keys[key]) if key in keys else typed_name(name))
    return result


def matching_tags(typed: str, limit: int = 8) -> tuple[list[str], bool]:
    """The existing tags to offer for what is typed, best first — the same topic, then names
    starting with it, then names containing it — and whether one of them is the same topic."""
    key = tag_key(typed)
    if not key:
        return [], False
    ranked = []
    for other, candidates in _tags_by_key().items():
        if other == key:
            rank = 0
        elif other.startswith(key):
            rank = 1
        elif key in other:
            rank = 2
        else:
            continue
        ranked.append((rank, other, candidates))
    ranked.sort(key=lambda item: item[:2])  # then alphabetically, accents aside
    names = [_preferred(candidates) for _rank, _key, candidates in ranked[:limit]]
    return names, bool(ranked) and ranked[0][0] == 0
