"""How the site compares words: one folding and one whole-word rule for search, suggestions and the blocklist.

« Épinal », « epinal » and « EPINAL » are the same word to a reader; « Metz » inside
« Metzervisse » is not. Search indexing (``search``), the places and people an article
names (``articles.suggestions``) and the comment blocklist (``comments``) all compare
words this way, so that a name found by one is found by the others.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "’": "'"})


def fold(text: str) -> str:
    """Lower case without accents or ligatures, typographic apostrophes made plain: « Œuvre d’Épinal » → « oeuvre d'epinal »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def single_line(text: str) -> str:
    """Control characters (line breaks, tabs, NUL…) as spaces, runs of spaces as one: a title, a mail subject."""
    spaced = "".join(" " if unicodedata.category(char) == "Cc" else char for char in text or "")
    return re.sub(" {2,}", " ", spaced).strip()


def numbered(base: str, taken: Callable[[str], bool], length: int) -> str:
    """``base``, or « base-2 », « base-3 »… the first that is not ``taken``, cut to ``length`` characters."""
    candidate, number = base[:length], 1
    while taken(candidate):
        number += 1
        candidate = f"{base[: length - len(str(number)) - 1]}-{number}"
    return candidate


_END = ""  # the key marking, in the tree of phrases, that a phrase ends at this letter


def whole_words_pattern(phrases: Iterable[str]) -> re.Pattern | None:
    """One regular expression finding any of these words or phrases, whole, in a folded text.

    The phrases are merged into a tree of their common beginnings (« con(?:nard|cours) »)
    rather than listed side by side: at each word of the text the expression then follows
    one path of letters instead of trying every phrase in turn, so its cost hardly grows
    with their number (10,000 blocked terms: see scripts/blocklist_benchmark.py). Where
    several phrases start at the same place, the longest one that ends a word wins. None
    when there is nothing to look for.
    """
    tree: dict = {}
    for phrase in {fold(phrase).strip() for phrase in phrases} - {""}:
        node = tree
        for char in phrase:
            node = node.setdefault(char, {})
        node[_END] = True
    if not tree:
        return None
    return re.compile(r"(?<!\w)" + _alternatives(tree) + r"(?!\w)")


def _alternatives(node: dict) -> str:
    # The expression for everything below this node. A run of letters with no branch becomes
    # one literal; a phrase that may end here makes the rest optional and greedy, so that a
    # longer phrase is tried first and the shorter one taken only if the longer fails.
    branches = []
    for char, child in sorted((char, child) for char, child in node.items() if char != _END):
        literal = char
        while len(child) == 1 and _END not in child:
            ((next_char, child),) = child.items()
            literal += next_char
        branches.append(re.escape(literal) + _alternatives(child))
    if not branches:
        return ""
    ends_here = _END in node
    if len(branches) == 1 and not ends_here:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if ends_here else "")
