"""Read a WordPress export (WXR, the file « Outils › Exporter » writes), one element at a time.

An export of a newsroom's archive easily weighs hundreds of megabytes: it is streamed with
``lxml.etree.iterparse`` and every element is dropped once read, so memory does not grow
with the file. ``read`` yields, in the file's order, the site (``Site``, before anything
else), its authors, its terms (categories, tags, custom taxonomies) and its items (posts,
pages, attachments…, each with its terms, metadata and comments).

The parser resolves no entity and fetches nothing from the network (an export is a file
somebody uploaded: no XXE, no billion laughs).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

# Namespaces by their meaning: WordPress wrote http and https, 1.0 to 1.2, over the years.
_NAMESPACES = [
    (re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$"), "excerpt"),
    (re.compile(r"^https?://wordpress\.org/export/1\.\d+/$"), "wp"),
    (re.compile(r"^http://purl\.org/rss/1\.0/modules/content/$"), "content"),
    (re.compile(r"^http://purl\.org/dc/elements/1\.1/$"), "dc"),
]
SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")
NO_DATE = "0000-00-00 00:00:00"


class WxrError(Exception):
    """The file cannot be imported: not an export, or a broken one. The message is for the person running it."""


@dataclass
class Site:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    version: str = ""

    @property
    def source(self) -> str:
        """What identifies the site across exports (its address), without a trailing slash."""
        return (self.base_blog_url or self.link or self.base_site_url).rstrip("/")


@dataclass
class Author:
    login: str
    author_id: str = ""  # what ``/?author=2`` names
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    taxonomy: str
    term_id: str
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""


@dataclass
class ItemTerm:
    """A term as an item names it: by taxonomy and slug."""

    taxonomy: str
    slug: str
    name: str


@dataclass
class Comment:
    comment_id: str
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: datetime | None = None
    content: str = ""
    approved: str = "1"
    comment_type: str = ""
    parent_id: str = "0"


@dataclass
class Item:
    post_id: str
    title: str = ""
    link: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date: datetime | None = None
    slug: str = ""
    status: str = ""
    post_type: str = ""
    parent_id: str = "0"
    comment_status: str = ""
    sticky: bool = False
    # « Protégé par mot de passe »: only whether it is, never the password (the old site's secret).
    protected: bool = False
    attachment_url: str = ""
    menu_order: int = 0  # an attachment's rank among its post's: a [gallery] without ids shows them so
    terms: list[ItemTerm] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)


def _local_name(tag: str) -> str:
    """``{uri}name`` as ``prefix:name`` with the prefix standing for the namespace's meaning."""
    if not tag.startswith("{"):
        return tag
    uri, name = tag[1:].split("}", 1)
    for pattern, prefix in _NAMESPACES:
        if pattern.match(uri):
            return f"{prefix}:{name}"
    return f"{{{uri}}}{name}"


def parse_date(value: str, *, local: bool = False) -> datetime | None:
    """A WordPress date (« 2016-07-14 09:30:00 »), GMT or in the site's time zone; None for « 0000-00-00 »."""
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        moment = datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    if local:
        return timezone.make_aware(moment, timezone.get_default_timezone())
    return moment.replace(tzinfo=ZoneInfo("UTC"))


def _children(element) -> dict[str, str]:
    """An element's simple children by name (the last one wins), text stripped of nothing."""
    return {_local_name(child.tag): child.text or "" for child in element if isinstance(child.tag, str)}


def _date(values: dict, gmt_key: str, local_key: str) -> datetime | None:
    return parse_date(values.get(gmt_key, "")) or parse_date(values.get(local_key, ""), local=True)


def _item(element) -> Item:
    values = _children(element)
    item = Item(
        post_id=values.get("wp:post_id", "").strip(),
        title=values.get("title", ""),
        link=values.get("link", "").strip(),
        creator=values.get("dc:creator", "").strip(),
        content=values.get("content:encoded", ""),
        excerpt=values.get("excerpt:encoded", ""),
        date=_date(values, "wp:post_date_gmt", "wp:post_date"),
        slug=values.get("wp:post_name", "").strip(),
        status=values.get("wp:status", "").strip(),
        post_type=values.get("wp:post_type", "").strip(),
        parent_id=values.get("wp:post_parent", "0").strip() or "0",
        comment_status=values.get("wp:comment_status", "").strip(),
        sticky=values.get("wp:is_sticky", "0").strip() == "1",
        protected=bool(values.get("wp:post_password", "").strip()),
        attachment_url=values.get("wp:attachment_url", "").strip(),
        menu_order=_integer(values.get("wp:menu_order", "")),
    )
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = _local_name(child.tag)
        if name == "category":
            item.terms.append(
                ItemTerm(
                    taxonomy=(child.get("domain") or "category").strip(),
                    slug=(child.get("nicename") or "").strip(),
                    name=child.text or "",
                )
            )
        elif name == "wp:postmeta":
            meta = _children(child)
            item.meta[meta.get("wp:meta_key", "")] = meta.get("wp:meta_value", "")
        elif name == "wp:comment":
            values = _children(child)
            item.comments.append(
                Comment(
                    comment_id=values.get("wp:comment_id", "").strip(),
                    author=values.get("wp:comment_author", ""),
                    email=values.get("wp:comment_author_email", "").strip(),
                    url=values.get("wp:comment_author_url", "").strip(),
                    ip=values.get("wp:comment_author_IP", "").strip(),
                    date=_date(values, "wp:comment_date_gmt", "wp:comment_date"),
                    content=values.get("wp:comment_content", ""),
                    approved=values.get("wp:comment_approved", "1").strip(),
                    comment_type=values.get("wp:comment_type", "").strip(),
                    parent_id=values.get("wp:comment_parent", "0").strip() or "0",
                )
            )
    return item


def _integer(value: str) -> int:
    value = (value or "").strip()
    return int(value) if re.fullmatch(r"-?\d{1,9}", value) else 0


def _term(name: str, element) -> Term:
    values = _children(element)
    if name == "wp:category":
        return Term(
            "category",
            values.get("wp:term_id", "").strip(),
            values.get("wp:category_nicename", "").strip(),
            values.get("wp:cat_name", ""),
            values.get("wp:category_parent", "").strip(),
            values.get("wp:category_description", ""),
        )
    if name == "wp:tag":
        return Term(
            "post_tag",
            values.get("wp:term_id", "").strip(),
            values.get("wp:tag_slug", "").strip(),
            values.get("wp:tag_name", ""),
            "",
            values.get("wp:tag_description", ""),
        )
    return Term(
        values.get("wp:term_taxonomy", "").strip(),
        values.get("wp:term_id", "").strip(),
        values.get("wp:term_slug", "").strip(),
        values.get("wp:term_name", ""),
        values.get("wp:term_parent", "").strip(),
        values.get("wp:term_description", ""),
    )


_SITE_FIELDS = {
    "title": "title",
    "link": "link",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
    "wp:wxr_version": "version",
}
_TERMS = {"wp:category", "wp:tag", "wp:term"}


def read(source: str | BinaryIO) -> Iterator[Site | Author | Term | Item]:
    """The export's site, authors, terms and items, in the file's order. Raises WxrError on a broken file."""
    site, site_given, depth_of_channel = Site(), False, None
    events = etree.iterparse(
        source,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
    )
    depth = 0
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1 and element.tag != "rss":
                    raise WxrError(_("Ce fichier n’est pas un export WordPress (WXR) : il ne commence pas par <rss>."))
                if depth == 2 and element.tag == "channel":
                    depth_of_channel = 2
                continue
            depth -= 1
            if depth_of_channel is None or depth != depth_of_channel:
                continue  # inside an item or a term: read with it, at its end
            name = _local_name(element.tag)
            if name in _SITE_FIELDS:
                setattr(site, _SITE_FIELDS[name], (element.text or "").strip())
            elif name in {"wp:author", "item", *_TERMS}:
                if not site_given:
                    _check_version(site)
                    site_given = True
                    yield site
                if name == "wp:author":
                    values = _children(element)
                    yield Author(
                        login=values.get("wp:author_login", "").strip(),
                        author_id=values.get("wp:author_id", "").strip(),
                        email=values.get("wp:author_email", "").strip(),
                        display_name=values.get("wp:author_display_name", ""),
                        first_name=values.get("wp:author_first_name", ""),
                        last_name=values.get("wp:author_last_name", ""),
                    )
                elif name == "item":
                    yield _item(element)
                else:
                    yield _term(name, element)
            # Done with it, and with whatever came before it in the channel: memory stays flat.
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        line = getattr(error, "lineno", None) or getattr(error, "position", (None,))[0]
        raise WxrError(
            _("Le fichier est incomplet ou n’est pas du XML valide (ligne %(line)s) : %(error)s.")
            % {"line": line or "?", "error": error.msg if hasattr(error, "msg") else error}
        ) from error
    if depth_of_channel is None:
        raise WxrError(_("Ce fichier n’est pas un export WordPress (WXR) : il n’a pas d’élément <channel>."))
    if not site_given:
        _check_version(site)
        yield site


def _check_version(site: Site) -> None:
    if not site.version:
        raise WxrError(
            _(
                "Ce fichier n’est pas un export WordPress (WXR) : il lui manque wp:wxr_version. "
                "Exportez le site depuis « Outils › Exporter » de WordPress."
            )
        )
    if site.version not in SUPPORTED_VERSIONS:
        raise WxrError(
            _("Version d’export WordPress non prise en charge : %(version)s (connues : %(known)s).")
            % {"version": site.version, "known": ", ".join(SUPPORTED_VERSIONS)}
        )
