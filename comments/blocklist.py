"""The blocked terms as one matcher, built once per process and rebuilt when moderators change the list.

Every comment is checked against the whole list (``CommentPolicy.initial_status``). Reading
the list and compiling it for each comment would cost a query and, with thousands of terms,
far more time than the check itself; so each process keeps the compiled matcher in memory,
labelled with the list's version. The version lives in the shared cache (Redis in
production): a change of the list, on any app server, gives it a new value
(``blocklist_changed``, called by ``comments.signals``), and every process rebuilds its
matcher at its next check. Terms written behind the model's back (``bulk_create``, SQL) need
``blocklist_changed()`` called by hand.
"""

import re
import uuid
from dataclasses import dataclass

from django.core.cache import cache

from common.text import fold, whole_words_pattern

from .models import BlockedTerm

VERSION_KEY = "comments:blocklist:version"


@dataclass(frozen=True)
class Matcher:
    """The compiled list: one regular expression (``common.text.whole_words_pattern``) and,
    for each folded term it finds, the term as moderators wrote it."""

    version: str | None
    pattern: re.Pattern | None
    terms: dict[str, str]

    @classmethod
    def from_terms(cls, terms, version: str | None = None) -> "Matcher":
        """Compile these terms, in their order: of two spellings of one term, the first is named."""
        by_folded: dict[str, str] = {}
        for term in terms:
            by_folded.setdefault(fold(term).strip(), term)
        return cls(version, whole_words_pattern(by_folded), by_folded)

    def first_in(self, text: str) -> str | None:
        found = self.pattern.search(fold(text)) if self.pattern else None
        return None if found is None else self.terms[found[0]]

    def spans_in(self, text: str) -> list[tuple[int, int]]:
        """Where the blocked terms stand in the text as written: (start, end) of each, for highlighting.

        Matched on the folded text, as ``first_in`` does; folding may change a letter's length
        (« œ » → « oe »), so each folded letter remembers the letter of the text it came from.
        """
        if self.pattern is None:
            return []
        folded, origin = [], []
        for index, letter in enumerate(text):
            for folded_letter in fold(letter):
                folded.append(folded_letter)
                origin.append(index)
        origin.append(len(text))
        return [
            (origin[found.start()], origin[found.end() - 1] + 1) for found in self.pattern.finditer("".join(folded))
        ]


_current: Matcher | None = None  # this process's matcher


def blocklist_changed() -> None:
    """Give the list a new version: every process rebuilds its matcher at its next check."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def current_version() -> str | None:
    version = cache.get(VERSION_KEY)
    if version is None:  # a fresh or emptied cache: whoever comes first names the version
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def build_matcher(version: str | None = None) -> Matcher:
    """Read the list (one query) and compile it."""
    return Matcher.from_terms(BlockedTerm.objects.order_by("term").values_list("term", flat=True), version)


def matcher() -> Matcher:
    """This process's matcher, rebuilt if the list changed since it was built (one cache read)."""
    global _current
    version = current_version()
    # No version (a cache that keeps nothing): rebuilt every time, never stale.
    if _current is None or version is None or _current.version != version:
        _current = build_matcher(version)
    return _current


def blocked_term_in(text: str) -> str | None:
    """The first blocked term found in this text, compared as search compares words (``common.text``):
    whole words, whatever the case and accents, so « connard » also catches « CONNÂRD »; where
    several start at the same word, the longest."""
    return matcher().first_in(text)
