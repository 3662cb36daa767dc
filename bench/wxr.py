"""Write WordPress export files (WXR 1.2), as « Outils › Exporter » does, for tests and benchmarks.

The pieces are plain strings written one after the other (``header``, ``item`` for each
post, attachment or page, ``FOOTER``), so that a benchmark streams a file of any size
without holding it, and a test writes exactly the case it checks.
"""

from dataclasses import dataclass, field
from datetime import datetime

NAMESPACES = (
    'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:wp="http://wordpress.org/export/1.2/"'
)
FOOTER = "</channel>\n</rss>\n"


def cdata(text) -> str:
    # A CDATA section cannot hold « ]]> »: WordPress splits it the same way.
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wp_date(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "0000-00-00 00:00:00"


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    author_id: int | None = None

    def xml(self) -> str:
        author_id = f"<wp:author_id>{self.author_id}</wp:author_id>" if self.author_id is not None else ""
        return (
            f"<wp:author>{author_id}"
            f"<wp:author_login>{cdata(self.login)}</wp:author_login>"
            f"<wp:author_email>{cdata(self.email)}</wp:author_email>"
            f"<wp:author_display_name>{cdata(self.display_name or self.login)}</wp:author_display_name>"
            f"<wp:author_first_name>{cdata(self.first_name)}</wp:author_first_name>"
            f"<wp:author_last_name>{cdata(self.last_name)}</wp:author_last_name>"
            "</wp:author>\n"
        )


@dataclass
class Term:
    """A category, a tag or a term of another taxonomy, declared in the export's header."""

    term_id: int
    taxonomy: str
    slug: str
    name: str
    parent: str = ""  # the parent's slug, as WordPress writes it
    description: str = ""

    def xml(self) -> str:
        if self.taxonomy == "category":
            return (
                f"<wp:category><wp:term_id>{self.term_id}</wp:term_id>"
                f"<wp:category_nicename>{cdata(self.slug)}</wp:category_nicename>"
                f"<wp:category_parent>{cdata(self.parent)}</wp:category_parent>"
                f"<wp:cat_name>{cdata(self.name)}</wp:cat_name>"
                f"<wp:category_description>{cdata(self.description)}</wp:category_description></wp:category>\n"
            )
        if self.taxonomy == "post_tag":
            return (
                f"<wp:tag><wp:term_id>{self.term_id}</wp:term_id><wp:tag_slug>{cdata(self.slug)}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(self.name)}</wp:tag_name></wp:tag>\n"
            )
        return (
            f"<wp:term><wp:term_id>{self.term_id}</wp:term_id>"
            f"<wp:term_taxonomy>{cdata(self.taxonomy)}</wp:term_taxonomy>"
            f"<wp:term_slug>{cdata(self.slug)}</wp:term_slug><wp:term_parent>{cdata(self.parent)}</wp:term_parent>"
            f"<wp:term_name>{cdata(self.name)}</wp:term_name></wp:term>\n"
        )


@dataclass
class Comment:
    comment_id: int
    content: str
    author: str = "Lectrice"
    email: str = ""
    url: str = ""
    ip: str = ""
    date: datetime | None = None
    date_gmt: datetime | None = None
    approved: str = "1"  # "1", "0" (pending), "spam", "trash"
    comment_type: str = "comment"  # or "pingback", "trackback"
    parent: int = 0
    user_id: int = 0

    def xml(self) -> str:
        return (
            "<wp:comment>"
            f"<wp:comment_id>{self.comment_id}</wp:comment_id>"
            f"<wp:comment_author>{cdata(self.author)}</wp:comment_author>"
            f"<wp:comment_author_email>{cdata(self.email)}</wp:comment_author_email>"
            f"<wp:comment_author_url>{cdata(self.url)}</wp:comment_author_url>"
            f"<wp:comment_author_IP>{cdata(self.ip)}</wp:comment_author_IP>"
            f"<wp:comment_date>{cdata(wp_date(self.date or self.date_gmt))}</wp:comment_date>"
            f"<wp:comment_date_gmt>{cdata(wp_date(self.date_gmt))}</wp:comment_date_gmt>"
            f"<wp:comment_content>{cdata(self.content)}</wp:comment_content>"
            f"<wp:comment_approved>{cdata(self.approved)}</wp:comment_approved>"
            f"<wp:comment_type>{cdata(self.comment_type)}</wp:comment_type>"
            f"<wp:comment_parent>{self.parent}</wp:comment_parent>"
            f"<wp:comment_user_id>{self.user_id}</wp:comment_user_id>"
            "</wp:comment>\n"
        )


@dataclass
class Item:
    """A post, a page or an attachment."""

    post_id: int
    title: str
    slug: str = ""
    content: str = ""
    excerpt: str = ""
    status: str = "publish"
    post_type: str = "post"
    date: datetime | None = None  # local time of the site
    date_gmt: datetime | None = None
    creator: str = ""
    link: str = ""
    sticky: bool = False
    password: str = ""  # « Protégé par mot de passe » in WordPress
    parent: int = 0
    menu_order: int = 0  # an attachment's rank among its post's (a [gallery] without ids)
    attachment_url: str = ""
    # (taxonomy, slug, name): category, post_tag, or a custom taxonomy such as ville
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)

    def xml(self) -> str:
        categories = "".join(
            f'<category domain="{taxonomy}" nicename="{slug}">{cdata(name)}</category>'
            for taxonomy, slug, name in self.terms
        )
        meta = "".join(
            f"<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key><wp:meta_value>{cdata(value)}</wp:meta_value>"
            "</wp:postmeta>"
            for key, value in self.meta.items()
        )
        attachment = (
            f"<wp:attachment_url>{cdata(self.attachment_url)}</wp:attachment_url>" if self.attachment_url else ""
        )
        return (
            "<item>\n"
            f"<title>{cdata(self.title)}</title>\n<link>{self.link}</link>\n"
            f"<dc:creator>{cdata(self.creator)}</dc:creator>\n"
            f'<guid isPermaLink="false">{self.link}</guid>\n<description></description>\n'
            f"<content:encoded>{cdata(self.content)}</content:encoded>\n"
            f"<excerpt:encoded>{cdata(self.excerpt)}</excerpt:encoded>\n"
            f"<wp:post_id>{self.post_id}</wp:post_id>\n"
            f"<wp:post_date>{cdata(wp_date(self.date or self.date_gmt))}</wp:post_date>\n"
            f"<wp:post_date_gmt>{cdata(wp_date(self.date_gmt))}</wp:post_date_gmt>\n"
            "<wp:comment_status>open</wp:comment_status><wp:ping_status>open</wp:ping_status>\n"
            f"<wp:post_name>{cdata(self.slug)}</wp:post_name>\n"
            f"<wp:status>{cdata(self.status)}</wp:status>\n"
            f"<wp:post_parent>{self.parent}</wp:post_parent><wp:menu_order>{self.menu_order}</wp:menu_order>\n"
            f"<wp:post_type>{cdata(self.post_type)}</wp:post_type>\n"
            f"<wp:post_password>{cdata(self.password) if self.password else ''}</wp:post_password>\n"
            f"<wp:is_sticky>{1 if self.sticky else 0}</wp:is_sticky>\n"
            f"{attachment}{categories}{meta}\n" + "".join(comment.xml() for comment in self.comments) + "</item>\n"
        )


def header(
    site: str = "https://ancien.example.fr",
    *,
    title: str = "Le Républicain de l’Est",
    authors: list[Author] = (),
    terms: list[Term] = (),
    version: str = "1.2",
) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        f"<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->\n"
        f'<rss version="2.0" {NAMESPACES.replace("1.2", version)}>\n<channel>\n'
        f"<title>{cdata(title)}</title>\n<link>{site}</link>\n<description></description>\n"
        f"<language>fr-FR</language>\n<wp:wxr_version>{version}</wp:wxr_version>\n"
        f"<wp:base_site_url>{site}</wp:base_site_url>\n<wp:base_blog_url>{site}</wp:base_blog_url>\n"
        + "".join(author.xml() for author in authors)
        + "".join(term.xml() for term in terms)
    )


def document(items: list[Item], **header_options) -> str:
    """A whole export, for a test."""
    return header(**header_options) + "".join(item.xml() for item in items) + FOOTER
