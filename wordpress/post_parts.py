"""What a WordPress post holds besides its own text, and what readers must not read twice.

- Reusable blocks (« compositions synchronisées », ``wp_block`` items): a post names one by id
  (``<!-- wp:block {"ref":12} /-->``) and WordPress shows the block's own content there. Here it
  is inlined before the body is converted, so it is converted with the rest of the text; its
  content is part of the post's fingerprint, so a block changed in WordPress updates every post
  using it on the next import.
- Footnotes (``wp:footnotes``, WordPress 6.3+): the notes live in the post's ``footnotes`` meta
  (JSON, each with an id), the text calls them with ``<sup data-fn="id">``. Readers get the calls
  numbered in the order of the text and the notes as a numbered list under « Notes » at the end.
- The standfirst: without an excerpt, the body's first paragraph is taken out of the body to be
  the standfirst, so that readers do not read it twice; an excerpt that repeats it takes it out too.
- SEO data of Yoast and Rank Math: the title and description for search engines, their
  variables expanded, and the primary category that decides a post's section.
"""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from html import escape

from django.utils.text import Truncator

from articles.body import clean_body

from .plain_text import plain_text_of

# Reusable blocks --------------------------------------------------------------------------------

_BLOCK_REFERENCE = re.compile(r"<!--\s*wp:block\s+(\{.*?\})\s*/?-->(?:\s*<!--\s*/wp:block\s*-->)?", re.DOTALL)
# A block inside a block inside…: WordPress stops a block that holds itself; so do we, and at this depth.
_BLOCK_DEPTH = 5


def block_reference(attributes: str) -> str:
    """The id a ``wp:block`` comment names (« 12 »), "" when it names none."""
    try:
        ref = json.loads(attributes).get("ref")
    except (ValueError, AttributeError):
        return ""
    return str(ref) if isinstance(ref, int | str) and str(ref).isdigit() else ""


def referenced_blocks(content: str, blocks: Mapping[str, str]) -> dict[str, str | None]:
    """Every reusable block a post shows, nested ones too, with its content (None: not in the export)."""
    found: dict[str, str | None] = {}
    waiting = [(content, 0)]
    while waiting:
        text, depth = waiting.pop()
        for match in _BLOCK_REFERENCE.finditer(text or ""):
            ref = block_reference(match.group(1))
            if not ref or ref in found:
                continue
            found[ref] = blocks.get(ref)
            if found[ref] and depth < _BLOCK_DEPTH:
                waiting.append((found[ref], depth + 1))
    return found


def inline_blocks(content: str, blocks: Mapping[str, str]) -> tuple[str, list[str]]:
    """The post's text with each reusable block's content where it is named; the ids not in the export."""
    missing: list[str] = []

    def inline(text: str, within: tuple[str, ...]) -> str:
        def replace(match: re.Match) -> str:
            ref = block_reference(match.group(1))
            if not ref or ref in within or len(within) >= _BLOCK_DEPTH:
                return ""
            if ref not in blocks:
                if ref not in missing:
                    missing.append(ref)
                return ""
            # Blank lines around it: what it holds starts and ends its own paragraphs, as a block does.
            return "\n\n" + inline(blocks[ref], (*within, ref)) + "\n\n"

        return _BLOCK_REFERENCE.sub(replace, text)

    if "wp:block" not in (content or ""):
        return content, missing
    return inline(content, ()), missing


# Footnotes --------------------------------------------------------------------------------------

_FOOTNOTE_CALL = re.compile(
    r"<sup\b[^>]*?\bdata-fn\s*=\s*([\"'])(?P<id>[^\"']*)\1[^>]*>.*?</sup>", re.DOTALL | re.IGNORECASE
)
_FOOTNOTES_BLOCK = re.compile(r"<!--\s*/?wp:footnotes\b.*?-->", re.DOTALL)
# Where a call stands while the body is converted: characters no post holds (Unicode's private use
# area), kept as text by the conversion, replaced by the call's markup afterwards.
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_MARK = re.compile(f"{_MARK_OPEN}(\\d+){_MARK_CLOSE}")
NOTES_HEADING = "Notes"
BACK_TO_TEXT = "Revenir au texte"


@dataclass
class Footnotes:
    """A post's notes in the order its text calls them, and the calls that name no note."""

    notes: list[str] = field(default_factory=list)  # HTML of each note, numbered from 1
    calls: int = 0  # calls marked in the text
    unknown_calls: int = 0


def footnotes_meta(meta: Mapping[str, str]) -> dict[str, str]:
    """The notes of a post's ``footnotes`` meta by id, in their order; {} when it holds none or is broken."""
    try:
        entries = json.loads(meta.get("footnotes") or "[]")
    except ValueError:
        return {}
    if not isinstance(entries, list):
        return {}
    return {
        str(entry["id"]): str(entry.get("content") or "")
        for entry in entries
        if isinstance(entry, dict) and entry.get("id")
    }


def mark_footnote_calls(content: str, meta: Mapping[str, str]) -> tuple[str, Footnotes]:
    """The text with each note's call as a mark to number after conversion, and the notes in call order.

    A note no call names still reaches readers, after the others (WordPress lists it too).
    """
    by_id = footnotes_meta(meta)
    if not by_id and "data-fn" not in (content or ""):
        return content, Footnotes()
    numbers: dict[str, int] = {}
    found = Footnotes()

    def mark(match: re.Match) -> str:
        note_id = match.group("id")
        if note_id not in by_id:
            found.unknown_calls += 1
            return ""
        if note_id not in numbers:
            numbers[note_id] = len(numbers) + 1
        found.calls += 1
        return f"{_MARK_OPEN}{numbers[note_id]}{_MARK_CLOSE}"

    content = _FOOTNOTES_BLOCK.sub("", _FOOTNOTE_CALL.sub(mark, content or ""))
    found.calls = found.calls or len(by_id)  # notes no call names still reach readers
    ordered = sorted(by_id, key=lambda note_id: numbers.get(note_id, len(by_id) + 1))
    found.notes = [by_id[note_id] for note_id in ordered]
    return content, found


@cache
def anchors_kept() -> bool:
    """Whether the body keeps the ids that links inside a page need (articles.body's allowlist).

    Without them a link to « #note-1 » would lead nowhere: the calls are then numbers in brackets,
    matching the list's numbers, without links. Asked of the sanitiser itself, so that the day the
    allowlist takes ids on links and list items, the import writes the links (see post_fingerprint).
    """
    sample = '<p><a href="#note-1" id="appel-1">[1]</a></p><ol><li id="note-1"><p>x</p></li></ol>'
    cleaned = clean_body(sample)
    return 'id="appel-1"' in cleaned and 'id="note-1"' in cleaned


def with_footnotes(html: str, footnotes: Footnotes, convert_note: Callable[[str], str]) -> str:
    """The converted body with its calls numbered and its notes listed under « Notes » at its end.

    ``convert_note``: a note's HTML as the body's (its links and emphasis kept), paragraphs included.
    """
    links = anchors_kept()

    def call(match: re.Match) -> str:
        number = match.group(1)
        if links:
            return f'<a href="#note-{number}" id="appel-{number}">[{number}]</a>'
        return f"[{number}]"

    html = _MARK.sub(call, html)
    if not footnotes.notes:
        return clean_body(html)
    items = []
    for number, note in enumerate(footnotes.notes, start=1):
        text = convert_note(note) or f"<p>{escape(plain_text_of(note))}</p>"
        if links:
            back = f' <a href="#appel-{number}" title="{BACK_TO_TEXT}">↩</a>'
            text = text[: -len("</p>")] + back + "</p>" if text.endswith("</p>") else text + f"<p>{back}</p>"
            items.append(f'<li id="note-{number}">{text}</li>')
        else:
            items.append(f"<li>{text}</li>")
    return clean_body(f"{html}<h2>{NOTES_HEADING}</h2><ol>{''.join(items)}</ol>")


# The standfirst ---------------------------------------------------------------------------------

_FIRST_PARAGRAPH = re.compile(r"\A\s*<p>(?P<inner>.*?)</p>", re.DOTALL)
# What a standfirst, plain text, could not keep: a link, a picture, a note's call.
_NOT_PLAIN = re.compile(f"<(?:a|img|figure)\\b|{_MARK_OPEN}|\\[\\d+\\]")
STANDFIRST_LENGTH = 600


def standfirst_and_body(excerpt: str, body_html: str, own_text: str) -> tuple[str, str]:
    """The standfirst and the body, so that the standfirst never repeats the body.

    With an excerpt: the excerpt, and the body without its first paragraph when that paragraph
    says the same (an excerpt pasted from the text). Without: the body's first paragraph, taken
    out of the body, when it opens the body, fits a standfirst (600 characters) and holds nothing
    a plain text would lose (a link, a picture, a note's call), and something remains after it;
    otherwise no standfirst (the desk writes one) rather than one readers would read twice.
    ``own_text``: the post's text without its reusable blocks — a subscription box opening a post
    is no standfirst.
    """
    first = _FIRST_PARAGRAPH.match(body_html or "")
    text = plain_text_of(re.sub(r"<br\s*/?>", " ", first.group("inner"))) if first else ""
    rest = body_html[first.end() :].strip() if first else body_html
    excerpt = plain_text_of(excerpt)
    if excerpt:
        if text and _same_words(text, excerpt) and not _NOT_PLAIN.search(first.group("inner")):
            return Truncator(excerpt).chars(STANDFIRST_LENGTH), rest
        return Truncator(excerpt).chars(STANDFIRST_LENGTH), body_html
    if not text or not rest or len(text) > STANDFIRST_LENGTH or _NOT_PLAIN.search(first.group("inner")):
        return "", body_html
    if _words(text) not in _words(plain_text_of(_BLOCK_REFERENCE.sub(" ", own_text))):
        return "", body_html
    return text, rest


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _same_words(first: str, second: str) -> bool:
    return _words(first) == _words(second)


# SEO: Yoast, Rank Math --------------------------------------------------------------------------

SEO_TITLE_KEYS = ("_yoast_wpseo_title", "rank_math_title")
SEO_DESCRIPTION_KEYS = ("_yoast_wpseo_metadesc", "rank_math_description")
PRIMARY_CATEGORY_KEYS = ("_yoast_wpseo_primary_category", "rank_math_primary_category")
# Yoast's %%name%% and Rank Math's %name% (some with an argument: %%cf_field%%, %customfield(x)%).
_VARIABLE = re.compile(r"%%\s*([a-z_]+)[^%]*%%|%([a-z_]+)(?:\([^)%]*\))?%", re.IGNORECASE)
_SEPARATORS = "-–—|·•»«:/~*"


@dataclass
class SeoData:
    title: str = ""
    description: str = ""


def seo_data(meta: Mapping[str, str], *, title: str, excerpt: str, category: str) -> SeoData:
    """The SEO title and description a post was given in Yoast or Rank Math, as plain text, variables expanded.

    The site's name and the separators around it go: the page adds the newspaper's name to its
    <title> itself. A title that comes to the post's own title is no title of its own ("").
    """
    values = {"title": title, "excerpt": excerpt, "excerpt_only": excerpt, "category": category}
    values["primary_category"] = category
    values["term_title"] = category
    values["sep"] = "–"  # between two words kept; hanging at an end once the site's name is gone, it goes
    seo_title = _expanded(_first(meta, SEO_TITLE_KEYS), values)
    description = _expanded(_first(meta, SEO_DESCRIPTION_KEYS), values)
    return SeoData(
        title="" if seo_title.casefold() == plain_text_of(title).casefold() else seo_title,
        description=description,
    )


def primary_category_id(meta: Mapping[str, str]) -> str:
    """The term id of the category Yoast or Rank Math made the post's primary one, "" if none."""
    value = _first(meta, PRIMARY_CATEGORY_KEYS)
    return value if value.isdigit() else ""


def _first(meta: Mapping[str, str], keys: tuple[str, ...]) -> str:
    return next((meta[key].strip() for key in keys if (meta.get(key) or "").strip()), "")


def _expanded(template: str, values: Mapping[str, str]) -> str:
    """A Yoast or Rank Math template as the text it gave; unknown variables (the site's name, the page,
    the date…) dropped, with the separators they leave hanging."""
    if not template:
        return ""
    text = _VARIABLE.sub(lambda match: values.get((match.group(1) or match.group(2)).lower(), ""), template)
    text = plain_text_of(text)
    # « Titre | | » or « – Titre » once the site's name and %%sep%% are gone.
    separators = re.escape(_SEPARATORS)
    text = re.sub(rf"(?:\s*[{separators},;])+\s*$", "", text)
    text = re.sub(rf"^\s*(?:[{separators}]\s*)+", "", text)
    text = re.sub(rf"\s+([{separators}])(?:\s*[{separators}])+\s+", r" \1 ", text)
    return " ".join(text.split())


def fitted(text: str, length: int) -> str:
    """Cut at a word, with « … », to the field's length."""
    return text if len(text) <= length else Truncator(text).chars(length)


# Trashed posts ----------------------------------------------------------------------------------

# WordPress renames a post it puts in the bin: « mon-article__trashed » (« __trashed-2 » when taken).
TRASHED_SUFFIX = re.compile(r"__trashed(?:-\d+)?$")


def untrashed_slug(slug: str, meta: Mapping[str, str]) -> str:
    """A post's slug as it was before the bin: ``_wp_desired_post_slug`` keeps it, else the suffix goes."""
    if not TRASHED_SUFFIX.search(slug or ""):
        return slug
    return (meta.get("_wp_desired_post_slug") or "").strip() or TRASHED_SUFFIX.sub("", slug)
