"""Text helpers for search: cleaning what readers type, and the SQLite fallback's normalised words.

PostgreSQL does its own word handling (the ``french_unaccent`` configuration:
accents removed, then the Snowball French stemmer). The SQLite fallback cannot, so
it stores and queries words reduced here the same way on both sides: folded as
everywhere on the site (``common.text.fold``: lower case, no accents), no stop
words, and a small French suffix stemmer (« emplois » and « emploi » both become
``emploi``). It is deliberately cruder than Snowball; it only has to make the same
reduction to the text and to the query.
"""

import html
import re
import unicodedata
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.body import plain_text
from common.text import fold

MAX_QUERY_LENGTH = 200

# Control characters (C0, DEL, C1), NUL included: PostgreSQL refuses NUL in text,
# and none of them means anything in a search box.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WORD = re.compile(r"[^\W_]+")

# PostgreSQL's French stop words (accents removed), and « les », which PostgreSQL stems instead.
_STOP_WORDS = """
    a au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me meme mes moi mon ne
    nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous
    c d j l m n s t y ete etee etees etes etant suis es est sommes sont sera ont ai as avons avez
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def clean_query(raw: str | None) -> tuple[str, bool]:
    """What a reader typed, made safe to search with: (text, whether it was cut).

    Control characters become spaces, runs of spaces one space, accents are composed
    (« e » + combining accent → « é », as the texts store them), and the text is cut at
    ``MAX_QUERY_LENGTH`` characters.
    """
    text = " ".join(unicodedata.normalize("NFC", _CONTROL.sub(" ", raw or "")).split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text, False
    return text[:MAX_QUERY_LENGTH].rstrip(), True


def stem(word: str) -> str:
    """A small French suffix stemmer for folded words: plurals, -ement, final e."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("eaux"):  # bateaux → bateau
        word = word[:-1]
    elif word.endswith("aux"):  # journaux → journal
        word = word[:-3] + "al"
    elif word[-1] in "sx" and not word.endswith("ss"):  # emplois → emploi
        word = word[:-1]
    if word.endswith("ement") and len(word) >= 8:  # gouvernement → gouvern
        word = word[:-5]
    elif word.endswith("e") and len(word) >= 4:  # économie → economi, élue → elu
        word = word[:-1]
    return word


def terms(text: str) -> list[str]:
    """The text's words as the SQLite fallback stores and compares them, in order."""
    return [stem(word) for word in _WORD.findall(fold(text)) if word not in STOP_WORDS]


@lru_cache(maxsize=50_000)
def _term(word: str) -> str | None:
    """One word of a text as ``terms()`` reduces it; None for a stop word. Cached: texts repeat words."""
    folded = "".join(_WORD.findall(fold(word)))
    return None if folded in STOP_WORDS else stem(folded)


def query_terms(query: str) -> list[str]:
    """The distinct words a query asks for, in the order typed."""
    return list(dict.fromkeys(terms(query)))


def number_twins(query: str) -> list[tuple[str, str]]:
    """(word, twin) pairs: each word of the query with its plural or singular form.

    PostgreSQL's French stemmer (Snowball) keeps a final s or x after a vowel:
    « emplois », « élus », « jeux » do not meet « emploi », « élu », « jeu ». The
    PostgreSQL backend adds each twin to the query, so that either number finds both.
    """
    twins = []
    for word in dict.fromkeys(_WORD.findall(query)):
        folded = fold(word)
        if len(folded) < 3 or folded in STOP_WORDS or folded.isdigit():
            continue
        if folded[-1] in "sx":
            twins.append((word, word[:-1]))
        elif folded[-1] in "aeiouy":
            twins.append((word, word + ("x" if folded.endswith(("eu", "au", "ou")) else "s")))
    return twins


def body_text(body_html: str) -> str:
    """The words of an article body as plain text, entities decoded (« &amp; » → « & »)."""
    return unicodedata.normalize("NFC", html.unescape(plain_text(body_html)))


def highlight(text: str, wanted: set[str], *, words: int = 30, before: int = 8) -> SafeString:
    """An escaped excerpt of ``text`` around the first wanted word, each wanted word in <mark>.

    ``wanted`` holds normalised terms (see ``terms``). Without a match, the excerpt is
    the beginning of the text.
    """
    tokens = re.split(r"(\s+)", text.strip())
    word_positions = [index for index, token in enumerate(tokens) if token and not token.isspace()]
    if not word_positions:
        return mark_safe("")

    def matches(token: str) -> bool:
        return any(_term(word) in wanted for word in _WORD.findall(token))

    first = next((n for n, index in enumerate(word_positions) if matches(tokens[index])), None)
    start = 0 if first is None else max(0, first - before)
    end = min(len(word_positions), start + words)
    pieces = []
    for index in range(word_positions[start], word_positions[end - 1] + 1):
        token = tokens[index]
        pieces.append(_mark_token(token, wanted) if not token.isspace() else " ")
    excerpt = "".join(pieces)
    if start > 0:
        excerpt = "… " + excerpt
    if end < len(word_positions):
        excerpt += " …"
    return mark_safe(excerpt)


def _mark_token(token: str, wanted: set[str]) -> str:
    """Escape a whitespace-free token, marking the words in it that were searched for."""
    out, position = [], 0
    for match in _WORD.finditer(token):
        out.append(escape(token[position : match.start()]))
        word = match.group(0)
        if _term(word) in wanted:
            out.append(f"<mark>{escape(word)}</mark>")
        else:
            out.append(escape(word))
        position = match.end()
    out.append(escape(token[position:]))
    return "".join(out)


# PostgreSQL's ts_headline marks matches with these (private-use characters no article
# text needs); the text is escaped first, then they become <mark> and </mark>.
HEADLINE_START = "\ue000"
HEADLINE_STOP = "\ue001"


def headline_to_html(headline: str | None) -> SafeString:
    """Turn a ts_headline result over tag-stripped body HTML into safe HTML with <mark>.

    The body's entities (« &lt; », « &amp; ») are decoded once, then everything is
    escaped, so nothing from the article can become markup; only our own markers turn
    into <mark>, balanced whatever the text contained.
    """
    text = " ".join(html.unescape(headline or "").split())
    out, open_mark = [], False
    for piece in re.split(f"([{HEADLINE_START}{HEADLINE_STOP}])", text):
        if piece == HEADLINE_START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif piece == HEADLINE_STOP:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            out.append(escape(piece))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))
