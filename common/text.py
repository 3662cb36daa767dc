"""How the site compares words: one folding and one whole-word rule for search, suggestions and the blocklist.

« Épinal », « epinal » and « EPINAL » are the same word to a reader; « Metz » inside
« Metzervisse » is not. Search indexing (``search``), the places and people an article
names (``articles.suggestions``) and the comment blocklist (``comments``) all compare
words this way, so that a name found by one is found by the others.
"""

import re
import unicodedata
from collections.abc import Iterable

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "’": "'"})


def fold(text: str) -> str:
    """Lower case without accents or ligatures, typographic apostrophes made plain: « Œuvre d’Épinal » → « oeuvre d'epinal »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def whole_words_pattern(phrases: Iterable[str]) -> re.Pattern | None:
    """One regular expression finding any of these words or phrases, whole, in a folded text.

    One alternation, longest first, rather than one search per phrase: its cost hardly grows
    with their number. None when there is nothing to look for.
    """
    folded = sorted({fold(phrase).strip() for phrase in phrases} - {""}, key=lambda p: (-len(p), p))
    if not folded:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(phrase) for phrase in folded) + r")(?!\w)")
