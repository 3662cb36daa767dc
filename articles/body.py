"""The article body: what the editor may store, how it is checked, and how readers get it.

The stored form is the HTML the editor produces, reduced to a small allowlist:
paragraphs, h2/h3, bold, italic, lists, quotations, links, library images
(``<figure><img data-file="ID"></figure>``) and callout notes
(``<aside data-callout data-color data-title>``). It is plain, portable HTML that
we can render, index for search, export and migrate. References to images and
other articles are kept by id or slug, and resolved when the page is rendered,
so they follow renamed articles and disappear with unpublished ones.
"""

import functools
import math
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

import nh3
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http.request import split_domain_port, validate_host
from django.template.loader import render_to_string
from django.urls import Resolver404, get_urlconf, resolve, reverse
from django.utils.formats import number_format
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from common.inputs import plain_number
from documents.formats import MEDIA_KINDS
from documents.models import Document
from documents.rendering import document_meta, render_media
from images.forms import typed_file_names
from images.models import Image

from . import embeds, galleries
from .typography import fix_french_spacing

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "figure",
    "img",
    "figcaption",
    "aside",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    # ids only for footnotes' calls and notes, linked both ways (FOOTNOTE_ID): nothing else of the page.
    "a": {"href", "title", "id"},
    "li": {"id"},
    "img": {"src", "alt", "data-file"},
    "aside": {"data-callout", "data-color", "data-title"},
    "ol": {"start"},
    "th": {"scope"},
    "blockquote": {"data-source", "data-pullquote"},
    # What a figure holds besides a library image: an embed (articles.embeds), a gallery of library
    # images (articles.galleries), an audio or video file of the document library (documents).
    "figure": {"data-embed", "data-embed-id", "data-gallery", "data-media"},
}
URL_SCHEMES = {"http", "https", "mailto"}

HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
# What old platforms used for asides and images; typed into our editor, it would
# reach readers as raw text, so it is refused with an explanation instead.
SHORTCODE = re.compile(
    r"\[\s*/?\s*(note|notes|encadr[ée]|callout|caption|l[ée]gende|image|img|gallery|galerie|quote|citation)\b[^\]]*\]",
    re.IGNORECASE,
)
WORDS_PER_MINUTE = 230
# The editor's buttons as its toolbar names them (static/articles/editor/*.js; a browser test checks).
IMAGE_BUTTON = "Insérer une image de la photothèque"
CALLOUT_BUTTON = "Encadré"


# Colours ------------------------------------------------------------------------


def note_palette() -> dict[str, str]:
    return settings.NOTE_PALETTE


def resolve_colour(value: str) -> str | None:
    """A palette name or a hex code, as a #rrggbb code; None when it is neither."""
    value = (value or "").strip()
    palette = {name.casefold(): code for name, code in note_palette().items()}
    if value.casefold() in palette:
        value = palette[value.casefold()]
    if not HEX_COLOUR.match(value):
        return None
    if len(value) == 4:
        value = "#" + "".join(char * 2 for char in value[1:])
    return value.lower()


def _relative_luminance(hex_colour: str) -> float:
    def channel(component: str) -> float:
        value = int(component, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(hex_colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((_relative_luminance(first), _relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_for(background: str) -> str:
    """Black or white, whichever contrasts more: at least 4.58:1, so WCAG AA holds for any background."""
    black, white = "#000000", "#ffffff"
    return black if contrast_ratio(background, black) >= contrast_ratio(background, white) else white


# Writing: sanitise and check --------------------------------------------------------


@dataclass
class TableShape:
    cells: int = 0
    columns: int = 0  # the widest row's


@dataclass
class BodyOutline:
    """What a stored body refers to and contains, read in one pass."""

    image_ids: set[int] = field(default_factory=set)
    linked_slugs: set[str] = field(default_factory=set)
    bad_colours: list[str] = field(default_factory=list)
    foreign_images: int = 0
    text: list[str] = field(default_factory=list)
    tables: list[TableShape] = field(default_factory=list)
    embeds: list[tuple[str, str]] = field(default_factory=list)  # (provider, id) as written
    galleries: list[list[int | None]] = field(default_factory=list)  # ids as written; None: not an id
    media_ids: set[int] = field(default_factory=set)
    bad_media: int = 0
    document_ids: set[int] = field(default_factory=set)  # linked as /documents/<id>/
    staff_links: list[str] = field(default_factory=list)  # to the admin, or a preview of no article
    nested_tables: int = 0

    @property
    def library_ids(self) -> set[int]:
        """Every document library id the body uses: linked documents, audio and video."""
        return self.document_ids | self.media_ids


class _OutlineReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.outline = BodyOutline()
        # The tables open around the parser's position, outermost first, each with its row's cells so far.
        self.open_tables: list[list] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "img":
            file_id = library_image_id(attributes.get("data-file"))
            if file_id is not None:
                self.outline.image_ids.add(file_id)
            else:
                self.outline.foreign_images += 1
        elif tag == "a":
            href = attributes.get("href") or ""
            slug = article_slug_in(href)
            if slug:
                self.outline.linked_slugs.add(slug)
            elif (document_id := document_id_in(href)) is not None:
                self.outline.document_ids.add(document_id)
            elif is_staff_only_link(href):
                self.outline.staff_links.append(href)
        elif tag == "aside" and resolve_colour(attributes.get("data-color") or "") is None:
            self.outline.bad_colours.append(attributes.get("data-color") or "")
        elif tag == "figure":
            self._figure(attributes)
        elif tag == "table":
            if self.open_tables:
                self.outline.nested_tables += 1
            else:
                self.outline.tables.append(TableShape())
            self.open_tables.append([self.outline.tables[-1], 0])
        elif tag == "tr" and self.open_tables:
            self.open_tables[-1][1] = 0
        elif tag in {"td", "th"} and self.open_tables:
            # A cell of a table nested in another counts for the outer one: the whole is what readers get.
            table = self.open_tables[0][0]
            table.cells += 1
            self.open_tables[-1][1] += 1
            table.columns = max(table.columns, self.open_tables[-1][1])

    def handle_endtag(self, tag):
        if tag == "table" and self.open_tables:
            self.open_tables.pop()

    def _figure(self, attributes: dict):
        if "data-embed" in attributes:
            self.outline.embeds.append((attributes["data-embed"] or "", attributes.get("data-embed-id") or ""))
        elif "data-gallery" in attributes:
            ids = [library_image_id(value) for value in (attributes["data-gallery"] or "").split()]
            self.outline.galleries.append(ids)
            self.outline.image_ids.update(image_id for image_id in ids if image_id is not None)
        elif "data-media" in attributes:
            media_id = plain_number(attributes["data-media"])
            if media_id is None:
                self.outline.bad_media += 1
            else:
                self.outline.media_ids.add(media_id)

    def handle_data(self, data):
        self.outline.text.append(data)


def library_image_id(value: str | None) -> int | None:
    """The library id an <img data-file> names; anything else (« ² », 10**23, text) is no id at all."""
    return plain_number(value)


def outline(html: str) -> BodyOutline:
    reader = _OutlineReader()
    reader.feed(html or "")
    reader.close()
    return reader.outline


_SITE_LINK = re.compile(r"^(?:https?://(?P<host>[^/?#]+))?(?P<path>/[^?#]*)(?P<query>\?[^#]*)?(?P<fragment>#.*)?$")


# Where journalists copy addresses from besides the site's own names: the development
# server (`make run`) and a colleague's machine, on any port. No public site lives there.
DEVELOPMENT_HOSTS = ["localhost", "127.0.0.1", "[::1]", "0.0.0.0"]


def is_site_host(host: str) -> bool:
    """Whether an address's ``host[:port]`` is this site: any ALLOWED_HOSTS name or the dev server, any port."""
    domain, _port = split_domain_port(host.lower())
    if not domain:
        return False
    # A wildcard accepts requests for any name; it says nothing about which names are ours.
    names = [name for name in settings.ALLOWED_HOSTS if name != "*"]
    return validate_host(domain, [*names, *DEVELOPMENT_HOSTS, "testserver"])


def _site_view(href: str):
    """The view and fragment a link to this very site leads to (relative, or absolute with one of our hosts)."""
    match = _SITE_LINK.match((href or "").strip())
    if not match:
        return None, ""
    host = match.group("host")
    if host and not is_site_host(host):
        return None, ""
    view = _resolved(match.group("path"), get_urlconf() or settings.ROOT_URLCONF)
    return (view, match.group("fragment") or "") if view else (None, "")


@functools.lru_cache(maxsize=256)
def _resolved(path: str, urlconf: str):
    # A body's links are read when it is cleaned, outlined and rendered in turn: Django walks its URL
    # patterns once per address rather than three times. Small: the recent bodies' links are enough.
    try:
        return resolve(path, urlconf)
    except Resolver404:
        return None


# No article's slug is longer (Article.slug, BodyReference.linked_slug): a longer one names no article.
SLUG_MAX_LENGTH = 200


def article_slug_in(href: str) -> str | None:
    """The slug of the article a stored link points to (``/article/<slug>/``), without any query."""
    view, _fragment = _site_view(href)
    if not view or view.view_name != "articles:article" or len(view.kwargs["slug"]) > SLUG_MAX_LENGTH:
        return None
    return view.kwargs["slug"]


def canonical_article_href(href: str) -> str | None:
    """Journalists paste addresses as they see them: relative, absolute, or the staff preview.

    Any of them pointing to an article of this site is stored as ``/article/<slug>/`` (plus its #anchor).
    """
    view, fragment = _site_view(href)
    if view is None:
        return None
    if view.view_name == "articles:article":
        return reverse("articles:article", kwargs={"slug": view.kwargs["slug"]}) + fragment
    if view.view_name == "articles:preview":
        # By name: this module is part of the Article model's definition (its body field's sanitiser).
        slug = (
            apps.get_model("articles", "Article")
            .objects.filter(pk=view.kwargs["pk"])
            .values_list("slug", flat=True)
            .first()
        )
        return reverse("articles:article", kwargs={"slug": slug}) + fragment if slug else None
    return None


DOCUMENT_VIEW = "documents:document"


def document_id_in(href: str) -> int | None:
    """The document library id a link to its stable address (``/documents/<id>/``) names."""
    view, _fragment = _site_view(href)
    if not view or view.view_name != DOCUMENT_VIEW:
        return None
    return plain_number(str(view.kwargs.get("pk", "")))


def is_staff_only_link(href: str) -> bool:
    """A link to a page of this site only staff may open: a preview, or any page of the admin."""
    view, _fragment = _site_view(href)
    return view is not None and (view.view_name == "articles:preview" or "admin" in view.namespaces)


HEADER_SCOPES = {"col", "row"}
# A footnote's call (« appel-3 », on its link in the text) and its note (« note-3 », on its list item):
# the only ids a body may hold, so that none can take one of the page's own (#contenu, #commentaires).
FOOTNOTE_ID = re.compile(r"^(?:appel|note)-\d{1,4}$")


def _footnote_id(tag: str, attribute: str, value: str) -> str | None:
    return value if attribute != "id" or FOOTNOTE_ID.match(value) else None


def _normalise_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id":
        return _footnote_id(tag, attribute, value)
    if tag == "a" and attribute == "href":
        return canonical_article_href(value) or value
    if tag == "th" and attribute == "scope":
        return value if value in HEADER_SCOPES else None  # then with_header_scopes() chooses
    return value


ALLOWLIST = {
    "tags": ALLOWED_TAGS,
    # ammonia allows lang and title on every element unless "*" says otherwise: only ALLOWED_ATTRIBUTES pass.
    "attributes": {**ALLOWED_ATTRIBUTES, "*": set()},
    "url_schemes": URL_SCHEMES,
    "clean_content_tags": {"script", "style"},
    "link_rel": None,
    "strip_comments": True,
}
_cleaner = nh3.Cleaner(**ALLOWLIST, attribute_filter=_normalise_attribute)


def clean_body(html: str) -> str:
    """Reduce whatever was pasted or POSTed to what the editor produces, then check it.

    Raises a ValidationError with a French message for what must not be published:
    a note with an invalid colour, an image that is not from the library, or text
    that looks like an old platform's shortcode.
    """
    html = (html or "").strip()
    if html and not html.startswith("<"):
        # Plain text (an import, a script, a form without the editor): paragraphs at blank lines.
        html = "".join(f"<p>{escape(part.strip())}</p>" for part in re.split(r"\n\s*\n", html) if part.strip())
    cleaned = _cleaner.clean(html).strip()
    if re.fullmatch(r"(<p>\s*(<br>)?\s*</p>\s*)*", cleaned):
        return ""
    found = outline(cleaned)
    errors = []
    for colour in found.bad_colours:
        errors.append(
            _(
                "Couleur d’encadré invalide : « %(colour)s ». Choisissez une couleur de la palette "
                "(%(palette)s) ou un code hexadécimal comme #ffcc00."
            )
            % {"colour": colour or _("aucune"), "palette": ", ".join(note_palette())}
        )
    if found.foreign_images:
        errors.append(
            _("Les images doivent venir de la photothèque : insérez-les avec le bouton « %(image)s ».")
            % {"image": IMAGE_BUTTON}
        )
    shortcode = SHORTCODE.search(" ".join(found.text))
    if shortcode:
        errors.append(
            _(
                "Le texte contient « %(code)s », qui s’afficherait tel quel. Pour un encadré, utilisez le bouton "
                "« %(callout)s » de l’éditeur ; pour une image, le bouton « %(image)s » (l’icône d’image)."
            )
            % {"code": re.sub(r"\s+", " ", shortcode.group(0)), "callout": CALLOUT_BUTTON, "image": IMAGE_BUTTON}
        )
    for href in found.staff_links:
        errors.append(
            _(
                "Le lien « %(href)s » mène à une page réservée à la rédaction (administration ou aperçu) : "
                "les lecteurs ne pourraient pas l’ouvrir. Pour un article, collez son adresse publique ou "
                "cherchez-le par son titre dans la fenêtre du lien."
            )
            % {"href": href}
        )
    errors += _element_errors(found)
    if found.image_ids:
        missing = found.image_ids - set(Image.objects.filter(pk__in=found.image_ids).values_list("pk", flat=True))
        if missing:
            errors.append(
                _("Une image insérée n’existe plus dans la photothèque : retirez-la ou choisissez-en une autre.")
            )
    errors += _library_errors(found)
    if errors:
        raise ValidationError(errors)
    return with_header_scopes(cleaned)


def _element_errors(found: BodyOutline) -> list[str]:
    """Tables, embeds and galleries beyond what a page can show, or not what the editor writes."""
    errors = []
    if found.nested_tables:
        errors.append(
            _(
                "Un tableau en contient un autre, que les téléphones ne savent pas afficher : mettez-les l’un après l’autre."
            )
        )
    for number, table in enumerate(found.tables, start=1):
        if table.cells > settings.BODY_TABLE_MAX_CELLS or table.columns > settings.BODY_TABLE_MAX_COLUMNS:
            errors.append(
                _(
                    "Le tableau n° %(number)s a %(cells)s cellules sur %(columns)s colonnes : un article en "
                    "affiche au plus %(max_cells)s, sur %(max_columns)s colonnes. Coupez-le en plusieurs "
                    "tableaux, ou joignez le fichier complet comme document."
                )
                % {
                    "number": number,
                    "cells": number_format(table.cells, force_grouping=True),
                    "columns": table.columns,
                    "max_cells": number_format(settings.BODY_TABLE_MAX_CELLS, force_grouping=True),
                    "max_columns": settings.BODY_TABLE_MAX_COLUMNS,
                }
            )
    for provider, embed_id in found.embeds:
        if (problem := embeds.problem_with(provider, embed_id)) is not None:
            errors.append(problem)
    for ids in found.galleries:
        if not ids or None in ids:
            errors.append(_("Un diaporama doit réunir des images de la photothèque : choisissez-les à nouveau."))
        elif len(ids) > settings.BODY_GALLERY_MAX_IMAGES:
            errors.append(
                _("Un diaporama a %(count)s images : gardez-en au plus %(max)s, ou faites-en plusieurs.")
                % {"count": number_format(len(ids), force_grouping=True), "max": settings.BODY_GALLERY_MAX_IMAGES}
            )
    if found.bad_media:
        errors.append(_("Un son ou une vidéo doit venir de la médiathèque : insérez-le à nouveau."))
    return errors


def _library_errors(found: BodyOutline) -> list[str]:
    """Audio, video and documents the body names must exist in the library, and be what they are used as."""
    if not found.library_ids:
        return []
    kinds = dict(library_documents().filter(pk__in=found.library_ids).values_list("pk", "kind"))
    errors = []
    if found.document_ids - kinds.keys():
        errors.append(
            _("Un document lié n’existe plus dans la médiathèque : retirez le lien ou choisissez-en un autre.")
        )
    media = {found_id: kinds.get(found_id) for found_id in found.media_ids}
    if any(kind is None for kind in media.values()):
        errors.append(_("Un son ou une vidéo inséré n’existe plus dans la médiathèque : retirez-le."))
    elif any(kind not in MEDIA_KINDS for kind in media.values()):
        errors.append(_("Seuls un son ou une vidéo de la médiathèque peuvent être lus dans l’article."))
    return errors


def library_documents():
    return Document.objects.all()


_TABLE_TAG = re.compile(r"<(/?)(table|tr|th|td)\b([^>]*)>")


def with_header_scopes(html: str) -> str:
    """Give every header cell the ``scope`` screen readers need: a first row's headers head columns,
    a header opening a later row heads that row. Kept as written when the journalist chose."""
    if "<th" not in html:
        return html
    rows: list[list[int]] = []  # per open table: [row index, cell index in the row]

    def rewrite(match: re.Match) -> str:
        closing, tag, attributes = match.groups()
        if tag == "table":
            if closing:
                rows and rows.pop()
            else:
                rows.append([-1, 0])
        elif tag == "tr" and not closing and rows:
            rows[-1][0] += 1
            rows[-1][1] = 0
        elif tag in {"th", "td"} and not closing and rows:
            row, cell = rows[-1]
            rows[-1][1] += 1
            if tag == "th" and "scope=" not in attributes:
                scope = "col" if row == 0 or cell > 0 else "row"
                return f'<th scope="{scope}"{attributes}>'
        return match.group(0)

    return _TABLE_TAG.sub(rewrite, html)


def typed_file_names_in(html: str) -> list[str]:
    """Image file names typed as text in the body or a caption (« IMG_1234.jpg »), not in its markup."""
    return typed_file_names(" ".join(outline(html).text))


# Where words end with no space in the markup: blocks, line breaks, captions, and a table's cells
# and caption (« Union » and « 12 345 » in two cells never make « Union12 345 »).
_WORD_END = re.compile(r"<(/p|br|/h[23]|/li|/figcaption|/td|/th|/caption)>")


def plain_text(html: str) -> str:
    """The words of the body, for search, excerpts and the reading time."""
    return re.sub(r"\s+", " ", strip_tags(_WORD_END.sub(" ", html or ""))).strip()


def reading_minutes(*texts: str) -> int:
    words = sum(len(text.split()) for text in texts)
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


# Reading: render for readers -------------------------------------------------------


@dataclass
class References:
    """What the body points to, loaded with the article (no query while rendering)."""

    images: dict[int, object]
    articles: dict[str, object | None]  # slug as written → target article, None when gone
    documents: dict[int, object] = field(default_factory=dict)  # documents.Document by id


class _BodyRenderer(HTMLParser):
    """Rewrites the stored HTML for readers: pictures, embeds, galleries, audio and video, tables
    readable on a phone, quotations with their source, resolved links, coloured notes.

    The input has already been through ``clean_body``; every piece of text and every
    attribute is escaped again on the way out all the same.
    """

    def __init__(self, references: References, lazy_after: int):
        super().__init__(convert_charrefs=True)
        self.references = references
        self.out: list[str] = []
        # For each open <a>: what closes it (« </a> », plus a document's type and size), or "" when
        # it was unwrapped to plain text.
        self.link_stack: list[str] = []
        self.quote_stack: list[str] = []  # for each open <blockquote>: what closes it
        self.figure: dict | None = None
        self.images_seen = 0
        self.lazy_after = lazy_after
        self.tables = 0
        self.table_label_at: int | None = None  # where the open table's scrolling box gets its name

    # Figures are rebuilt from the library; their own markup is collected, then replaced.
    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.figure is not None:
            if tag == "img":
                self.figure["file"] = attributes.get("data-file") or ""
            elif tag == "figcaption":
                self.figure["in_caption"] = True
            elif self.figure.get("in_caption"):
                self.figure["caption"].append(
                    self._open_link(attributes) or "" if tag == "a" else self._start(tag, attributes)
                )
            return
        if tag == "figure":
            self.figure = {"file": "", "caption": [], "in_caption": False, "attributes": attributes}
            return
        if tag == "img":  # an image outside a figure
            self._emit_picture(attributes.get("data-file") or "", "")
            return
        if tag == "a":
            self.out.append(self._open_link(attributes) or "")
            return
        if tag == "aside":
            self.out.append(self._callout_start(attributes))
            return
        if tag == "blockquote":
            self.out.append(self._quote_start(attributes))
            return
        if tag == "table":
            self._table_start()
            return
        if tag == "caption" and self.table_label_at is not None:
            caption_id = f"tableau-{self.tables}"
            self.out[self.table_label_at] = f' aria-labelledby="{caption_id}"'
            self.out.append(f'<caption id="{caption_id}">')
            return
        self.out.append(self._start(tag, attributes))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if self.figure is not None:
            if tag == "figcaption":
                self.figure["in_caption"] = False
            elif tag == "figure":
                figure, self.figure = self.figure, None
                self._emit_figure(figure["attributes"], figure["file"], "".join(figure["caption"]).strip())
            elif self.figure.get("in_caption") and tag not in {"br", "img"}:
                self.figure["caption"].append(self._close_link() if tag == "a" else f"</{tag}>")
            return
        if tag == "a":
            self.out.append(self._close_link())
            return
        if tag == "blockquote":
            self.out.append(self.quote_stack.pop() if self.quote_stack else "</blockquote>")
            return
        if tag == "table":
            self.out.append("</table></div>")
            self.table_label_at = None
            return
        if tag in {"br", "img"}:
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.figure is not None:
            if self.figure.get("in_caption"):
                self.figure["caption"].append(escape(fix_french_spacing(data), quote=False))
            return
        self.out.append(escape(fix_french_spacing(data), quote=False))

    @staticmethod
    def _start(tag: str, attributes: dict) -> str:
        if tag == "br":
            return "<br>"
        rendered = "".join(f' {name}="{escape(value or "")}"' for name, value in attributes.items())
        return f"<{tag}{rendered}>"

    def _link_target(self, href: str) -> tuple[str | None, str]:
        """The address a link takes readers to (None: show its text without a link), and what follows it."""
        if not href or is_staff_only_link(href):
            return None, ""
        if (document_id := document_id_in(href)) is not None:
            document = self.references.documents.get(document_id)
            if document is None:
                return None, ""
            meta = escape(document_meta(document))
            return document.get_absolute_url(), f' <span class="document-meta">({meta})</span>'
        slug = article_slug_in(href)
        if slug is None:
            return href, ""
        target = self.references.articles.get(slug)
        if target is None or not target.is_visible:
            return None, ""
        fragment = href[href.index("#") :] if "#" in href else ""
        return target.get_absolute_url() + fragment, ""

    def _open_link(self, attributes: dict) -> str | None:
        """The <a> tag to write, or None when the link is dropped (its text stays)."""
        href, after = self._link_target(attributes.get("href") or "")
        self.link_stack.append("" if href is None else "</a>" + after)
        return None if href is None else self._start("a", {**attributes, "href": href})

    def _close_link(self) -> str:
        return self.link_stack.pop() if self.link_stack else ""

    def _quote_start(self, attributes: dict) -> str:
        """A pull quote (« exergue ») is set apart; a quotation with its source names it under the text."""
        if "data-pullquote" in attributes:
            self.quote_stack.append("</blockquote></figure>")
            return '<figure class="pullquote"><blockquote>'
        source = (attributes.get("data-source") or "").strip()
        if source:
            source_html = escape(fix_french_spacing(source), quote=False)
            self.quote_stack.append(f"</blockquote><figcaption>— {source_html}</figcaption></figure>")
            return '<figure class="quote"><blockquote>'
        self.quote_stack.append("</blockquote>")
        return "<blockquote>"

    def _table_start(self):
        """Wide tables scroll inside their own box on a phone, never the page; the box is named by the
        table's caption (or « Tableau ») and focusable, so keyboard users can scroll it too."""
        self.tables += 1
        self.out.append('<div class="table-scroll" role="region" tabindex="0"')
        self.table_label_at = len(self.out)
        self.out.append(' aria-label="{}"'.format(escape(_("Tableau"))))
        self.out.append("><table>")

    def _callout_start(self, attributes: dict) -> str:
        background = resolve_colour(attributes.get("data-color") or "") or resolve_colour(
            next(iter(note_palette().values()))
        )
        foreground = text_colour_for(background)
        title = (attributes.get("data-title") or "").strip()
        heading = f'<p class="callout-title">{escape(title)}</p>' if title else ""
        return (
            f'<aside class="callout" style="--callout-bg: {background}; --callout-fg: {foreground}" '
            f'aria-label="{escape(title or _("Encadré"))}">{heading}'
        )

    def _emit_figure(self, attributes: dict, file_id: str, caption_html: str):
        """A figure as what it holds: an embed, a gallery, an audio or video file, or a library image."""
        caption = mark_safe(caption_html) if caption_html else ""
        if "data-embed" in attributes:
            self.out.append(embeds.render_embed(attributes["data-embed"], attributes.get("data-embed-id", ""), caption))
        elif "data-gallery" in attributes:
            ids = [library_image_id(value) for value in (attributes["data-gallery"] or "").split()]
            images = [self.references.images[i] for i in ids if i in self.references.images]
            if images:  # all deleted from the library: nothing rather than an empty frame
                self.out.append(galleries.render_gallery(images, caption))
        elif "data-media" in attributes:
            document = self.references.documents.get(plain_number(attributes["data-media"]))
            if document is not None:
                self.out.append(render_media(document, caption))
        else:
            self._emit_picture(file_id, caption_html)

    def _emit_picture(self, file_id: str, caption_html: str):
        """The library's picture, its alt text and credit; the caption typed in the body wins over the library's."""
        image_id = library_image_id(file_id)
        image = self.references.images.get(image_id) if image_id is not None else None
        if image is None:
            return  # deleted from the library: nothing rather than a broken image
        self.images_seen += 1
        self.out.append(
            render_to_string(
                "articles/includes/figure.html",
                {
                    "image": image,
                    "caption": mark_safe(caption_html) if caption_html else image.caption,
                    "lazy": self.images_seen > self.lazy_after,
                },
            )
        )


# What the renderer writes for the elements whose styles live in static/css/elements.css.
ELEMENT_STYLE_MARKERS = (
    '<div class="table-scroll"',
    '<figure class="quote">',
    '<figure class="pullquote">',
    '<figure class="embed ',
    '<figure class="figure media ',
    '<figure class="gallery"',
    '<span class="document-meta">',
)


def uses_element_styles(body_html: str) -> bool:
    """Whether a rendered body needs elements.css: a substring search of the stored HTML, no query."""
    return any(marker in (body_html or "") for marker in ELEMENT_STYLE_MARKERS)


# The same allowlist, applied again on the way out: a body written by a script, an
# import or a migration never went through the form, and must be just as harmless.
_render_cleaner = nh3.Cleaner(**ALLOWLIST, attribute_filter=_footnote_id)


def render_body(html: str, references: References, lazy_after: int = 0) -> SafeString:
    renderer = _BodyRenderer(references, lazy_after)
    renderer.feed(with_header_scopes(_render_cleaner.clean(html or "")))
    renderer.close()
    return mark_safe("".join(renderer.out))
