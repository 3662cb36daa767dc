"""Topic tags' addresses: every tag gets one readers can follow, whatever script its name is written in.

taggit makes a tag's slug from its name without what is not ASCII
(``TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING``), so « Москва », « 日本 », « 😀 » or « !!! » would
get an empty one, and every page linking the tag would fail to build its address. Names are
transliterated instead (anyascii: « Москва » → moskva, « 日本 » → riben, « 😀 » → grinning), and
a name with nothing to transliterate gets a stable address of its own (« mot-cle-1a2b3c4d »).
"""

import hashlib

from anyascii import anyascii
from django.core.validators import slug_re
from django.utils.text import slugify

from common.text import numbered

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
