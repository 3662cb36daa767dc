"""Import a WordPress export: taxonomies, authors, images, posts and their comments, safe to run again.

Two passes over the file, each streamed (``wordpress.wxr``):

1. ``scan``: the whole file is read once before anything is written, so that a truncated or
   foreign file stops the import with nothing imported. It keeps a small index: each post's
   id, slug and address (for links between posts, in either direction), each attachment's
   file, alt text and caption (a featured image usually comes after its post), the
   categories' tree.
2. ``run``: authors, terms, attachments and posts are written in the file's order, each post
   with its comments in one transaction of its own (a broken post does not stop the rest).

Every item is recorded as an ``ImportedItem`` with a digest of its WordPress data: the same
file imported again changes nothing, a newer export updates the posts that changed there —
unless the newsroom has edited the article here since (its version number moved on), which
an export never overwrites.
"""

import hashlib
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_ipv46_address
from django.db import transaction
from django.db.models.signals import m2m_changed
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django.utils.translation import ngettext
from taggit.models import Tag

import pagecache
from articles.caching import article_tag
from articles.models import Article, ArticleRevision, ArticleSlugRedirect, Personality, Section, Territory
from articles.subject_dates import dates_deferred
from articles.tags import tag_slug
from comments.models import Comment, refresh_comment_count, visible_count
from common.text import numbered
from images.models import Image, delete_stored_files
from search.indexing import refreshes_deferred

from . import content, post_parts, report, wxr
from .addresses import path_of
from .fetch import FetchPolicy
from .media import MediaImport
from .models import ImportedItem
from .page_import import PageImport

JOURNALISTS = "Journalistes"
Kind = ImportedItem.Kind

# Taxonomy names WordPress sites use for places and people (--taxonomy adds others).
TERRITORY_TAXONOMIES = {"ville", "villes", "territoire", "territoires", "commune", "communes", "lieu", "lieux", "city"}
PERSONALITY_TAXONOMIES = {"personnalite", "personnalites", "personne", "personnes", "people", "person"}
# WordPress's own machinery, never content.
INTERNAL_TAXONOMIES = {"nav_menu", "link_category", "post_format", "wp_theme", "wp_template_part_area"}

# WordPress status → ours; the others are not imported unless asked (Options.statuses).
STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,  # with its date to come: scheduled
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.SUBMITTED,
    "private": Article.Status.DRAFT,
    "trash": Article.Status.UNPUBLISHED,
}
DEFAULT_STATUSES = {"publish", "future", "draft", "pending"}
COMMENT_STATUSES = {"1": Comment.Status.APPROVED, "0": Comment.Status.PENDING}
UPLOADS = "/wp-content/uploads/"
# Items written between two refreshes of the search data (one UPDATE per chunk rather than four per post).
SEARCH_CHUNK = 250
RESIZED = re.compile(r"-\d+x\d+(?=\.\w+$)")
# Attachments that WordPress's media library holds besides pictures.
NOT_IMAGES = frozenset(
    {
        *(".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp", ".txt", ".rtf"),
        *(".csv", ".zip", ".mp3", ".m4a", ".ogg", ".oga", ".wav", ".flac", ".mp4", ".m4v", ".mov", ".webm"),
        *(".ogv", ".avi", ".wmv", ".mkv", ".svg"),
    }
)
# A body's problems that a later run may solve (the files found): the post is converted again then.
INCOMPLETE_BODY = frozenset({content.MISSING_IMAGE, content.MEDIA_AS_LINK, content.GALLERY_NOT_IMPORTED})
SLUG_LENGTH = ImportedItem._meta.get_field("wordpress_slug").max_length
PATH_LENGTH = ImportedItem._meta.get_field("old_path").max_length


@dataclass
class Options:
    media_dir: Path | None = None
    # Download the attachments from the old site (wordpress.media, wordpress.fetch); the policy: tests only.
    fetch_media: bool = False
    fetch_policy: FetchPolicy | None = None
    dry_run: bool = False
    section_map: dict[str, str] = field(default_factory=dict)  # category slug or name → section name or slug
    taxonomy_map: dict[str, str] = field(default_factory=dict)  # taxonomy → "territory" | "personality"
    post_types: set[str] = field(default_factory=lambda: {"post"})
    statuses: set[str] = field(default_factory=lambda: set(DEFAULT_STATUSES))
    default_section: str = "Non classé"
    pages: bool = True  # WordPress pages as pages of the site (wordpress.page_import); --skip-pages: not


@dataclass
class PostEntry:
    slug: str  # WordPress's, decoded
    post_type: str
    status: str


@dataclass
class AttachmentEntry:
    path: str  # relative to wp-content/uploads
    title: str
    alt: str
    caption: str
    url: str = ""  # wp:attachment_url: where --fetch-media downloads it from
    parent: str = "0"  # the post it was uploaded to
    order: int = 0  # its menu_order there


@dataclass
class CommentPlan:
    """A post's comments as the import decided them: the new ones by generation (each answering one of the
    generation before, or nothing new), to be written in that order once the article is; and whether any
    comment changed (``counted``: the article's count was already given with its insert)."""

    generations: list[list[tuple[str, Comment, str]]] = field(default_factory=list)
    changed: bool = False
    counted: bool = False

    def add(self, level: int, entry: tuple[str, Comment, str]) -> None:
        while len(self.generations) <= level:
            self.generations.append([])
        self.generations[level].append(entry)
        self.changed = True

    def new_comments(self) -> list[Comment]:
        return [comment for generation in self.generations for _id, comment, _fingerprint in generation]


@dataclass
class Index:
    """What pass 1 learnt of the whole file: small, a few hundred bytes per post."""

    site: wxr.Site | None = None
    posts: dict[str, PostEntry] = field(default_factory=dict)
    post_by_slug: dict[str, str] = field(default_factory=dict)
    post_by_path: dict[str, str] = field(default_factory=dict)
    attachments: dict[str, AttachmentEntry] = field(default_factory=dict)
    attachment_by_path: dict[str, str] = field(default_factory=dict)
    attachments_by_parent: dict[str, list[str]] = field(default_factory=dict)  # post id → attachment ids
    categories: dict[str, wxr.Term] = field(default_factory=dict)  # by slug
    category_slugs: dict[str, str] = field(default_factory=dict)  # term id → slug (SEO plugins' primary category)
    # Reusable blocks (wp_block) WordPress shows, by id: their content, inlined where posts name them.
    blocks: dict[str, str] = field(default_factory=dict)
    creators: set[str] = field(default_factory=set)  # the posts' authors' logins, declared or not
    items: int = 0


def digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


# What a post may hold that the body has had stored forms for since issue 23 (tables, embeds, galleries,
# quotations' sources, pull quotes, sounds, videos, files) — before, flattened to text or links.
BODY_FORMATS = 2
_WITH_BODY_FORMATS = re.compile(
    # A quotation changes only with its <cite> (or as a pull quote): <blockquote> alone is not here.
    r"<(?:table|cite|iframe|audio|video)\b|\[(?:embed|gallery|audio|video|youtube|vimeo|dailymotion)\b"
    r"|wp:(?:table|gallery|embed|core-embed|audio|video|file)\b|wp-block-gallery|pullquote|twitter-tweet|bluesky-embed|tiktok-embed"
    r"|^[ \t]*https?://\S+[ \t]*$|<p[^>]*>\s*https?://[^\s<]+\s*</p>",
    re.IGNORECASE | re.MULTILINE,
)


def post_fingerprint(item: wxr.Item, *, body_formats: bool = True, blocks: dict | None = None) -> str:
    """A post's WordPress data, without its comments (each has its own): what says it changed there.

    A post holding what the body formats of issue 23 now keep (``_WITH_BODY_FORMATS``) also carries
    their version, so that the run after they came updates it; any other post keeps the fingerprint
    it had, and a re-run does not rewrite the archive. ``body_formats=False``: the fingerprint before.
    """
    data = {**asdict(item), "comments": None}
    del data["menu_order"]  # read since, for attachments: no post's fingerprint changes with it
    if not item.protected:
        del data["protected"]  # read since; the posts that are not keep the fingerprints they had
    if body_formats and _WITH_BODY_FORMATS.search(item.content or ""):
        data["body_formats"] = BODY_FORMATS
    if blocks:
        # What the post shows of its reusable blocks: one changed in WordPress updates every post using it.
        data["blocks"] = {ref: digest(text) if text is not None else None for ref, text in blocks.items()}
    if body_formats and (item.meta.get("footnotes") or "data-fn" in (item.content or "")):
        # The notes' links come with the body's ids (post_parts.anchors_kept): the posts are written again then.
        data["footnotes"] = 2 if post_parts.anchors_kept() else 1
    return digest(data)


def decoded_slug(slug: str) -> str:
    # A binned post's « __trashed » suffix is WordPress's bookkeeping, never its address (post_parts).
    return post_parts.TRASHED_SUFFIX.sub("", unquote(slug or "").strip().lower())


def uploads_path(url: str, *, anywhere: bool = False) -> str | None:
    """« 2016/07/photo.jpg » for an address of the uploads folder, the size suffix of a resized copy removed.

    ``anywhere``: an attachment's own address, which some hosts (WordPress.com) serve from elsewhere.
    """
    path = unquote(urlsplit(url or "").path)
    if UPLOADS in path:
        return RESIZED.sub("", path.split(UPLOADS, 1)[1])
    return path.lstrip("/") or None if anywhere else None


class WordPressImport(MediaImport, PageImport):
    """One run of the import; ``progress`` is told the number of bytes read so far, for a progress bar."""

    def __init__(self, path: Path, options: Options, progress: Callable[[str, int], None] | None = None):
        self.path = Path(path)
        self.options = options
        self.progress = progress or (lambda stage, position: None)
        self.report = report.Report(dry_run=options.dry_run)
        self.index = Index()
        self.source = ""
        self.site_host = ""
        self.written_files: list[str] = []  # image files: a dry run removes them all, a failed post its own
        self.reserved_slugs: dict[str, str] = {}  # post id → the slug it will get (linked to before imported)
        self.written_slugs: dict[str, str] = {}  # post id → its article's slug, once written by this run
        self.users: dict[str, object] = {}
        self.terms: dict[tuple[str, str], ImportedItem] = {}  # (taxonomy, slug) → its row
        self.unknown_taxonomies: dict[str, set[str]] = {}  # taxonomy → slugs of its terms met
        self.comment_plan: CommentPlan | None = None  # a new article's comments, decided before it is written
        self.new_rows: list[ImportedItem] = []  # a post's new mapping rows (its own, its comments'): one insert
        # Read once per chunk of the file (prepare_chunk) rather than once per post: the posts' mapping rows,
        # their comments', and which of the slugs they would take are free.
        self.post_rows: dict[str, ImportedItem | None] = {}
        self.comment_rows: dict[str, ImportedItem] = {}
        self.free_slugs: set[str] = set()
        self.taken_slugs: set[str] = set()  # the articles' slugs this run wrote
        self.missing_images: set[str] = set()  # attachments already reported, not tried again
        self.posts_seen: set[str] = set()  # post ids met in this run: a repeated one is not a second article
        self.page_parents: dict[int, str] = {}  # page written by this run → its WordPress parent's id
        self.attachment_slugs: dict[str, str] = {}  # attachment id → its page's slug (/2024/05/post/<slug>/)
        self.start_media()

    # The passes ---------------------------------------------------------------------

    def run(self) -> report.Report:
        started = timezone.now()
        self.scan()
        try:
            if self.options.fetch_media:
                self.download_media()
            with pagecache.purges_deferred(discard=self.options.dry_run):
                self.write_all()
        finally:
            self.forget_downloads()
            if self.options.dry_run:
                delete_stored_files(Image._meta.get_field("file").storage, self.written_files)
        self.report.seconds = (timezone.now() - started).total_seconds()
        return self.report

    def write_all(self) -> None:
        if not self.options.dry_run:
            self.write()
            return
        # A dry run writes exactly as a real one, then takes everything back.
        with transaction.atomic():
            self.write()
            transaction.set_rollback(True)

    def _entries(self, stage: str):
        with self.path.open("rb") as stream:
            for entry in wxr.read(stream):
                self.progress(stage, stream.tell())
                yield entry

    def scan(self) -> None:
        """Pass 1: read the whole file (WxrError if it is broken), index posts, attachments and categories."""
        index = self.index
        for entry in self._entries("scan"):
            if isinstance(entry, wxr.Site):
                index.site = entry
            elif isinstance(entry, wxr.Term) and entry.taxonomy == "category":
                index.categories[entry.slug] = entry
                index.category_slugs[entry.term_id] = entry.slug
            elif isinstance(entry, wxr.Item):
                index.items += 1
                if entry.post_type == "attachment":
                    index.attachments[entry.post_id] = AttachmentEntry(
                        path=entry.meta.get("_wp_attached_file")
                        or uploads_path(entry.attachment_url, anywhere=True)
                        or "",
                        title=entry.title,
                        alt=entry.meta.get("_wp_attachment_image_alt", ""),
                        caption=entry.excerpt,
                        url=entry.attachment_url,
                        parent=entry.parent_id,
                        order=entry.menu_order,
                    )
                    if index.attachments[entry.post_id].path:
                        index.attachment_by_path[index.attachments[entry.post_id].path] = entry.post_id
                    if entry.parent_id != "0":
                        index.attachments_by_parent.setdefault(entry.parent_id, []).append(entry.post_id)
                    self.note_attachment_page(entry)  # wordpress.page_import: its page's address
                elif entry.post_type == "wp_block":
                    # As WordPress: a reusable block shows only when published, and not behind a password.
                    if entry.status == "publish" and not entry.protected:
                        index.blocks[entry.post_id] = entry.content
                elif entry.post_type in self.options.post_types and entry.post_id not in index.posts:
                    index.posts[entry.post_id] = PostEntry(decoded_slug(entry.slug), entry.post_type, entry.status)
                    index.creators.add(entry.creator)
                    if entry.slug:
                        index.post_by_slug.setdefault(decoded_slug(entry.slug), entry.post_id)
                    if entry.link and "?" not in entry.link:
                        index.post_by_path[path_of(entry.link)] = entry.post_id
                    self.scan_media(entry)
        self.source = index.site.source if index.site else ""
        self.site_host = urlsplit(self.source).netloc.lower().removeprefix("www.")
        self.report.site = self.source

    def write(self) -> None:
        """Pass 2: everything, in the file's order, the search data refreshed once per chunk of posts."""
        entries = self._entries("import")
        while True:
            with refreshes_deferred(), dates_deferred():
                chunk = list(itertools.islice(entries, SEARCH_CHUNK))
                self.write_entries(chunk)
            if len(chunk) < SEARCH_CHUNK:
                break
        with refreshes_deferred(), dates_deferred():
            self.finish_waiting_posts()  # wordpress.media: posts of earlier files that waited for these files
        self.place_pages()  # wordpress.page_import: each page under its parent, wherever it came in the file
        self.name_attachments()  # wordpress.page_import: the attachments' pages found by their old address
        self.report_unknown_taxonomies()
        self.count_undeclared_authors()

    def write_entries(self, entries) -> None:
        self.prepare_chunk(entries)
        for entry in entries:
            if isinstance(entry, wxr.Item) and entry.post_type != "attachment":
                if entry.post_type in self.options.post_types:
                    self.import_post(entry)  # in a transaction of its own, its problems reported
                elif entry.post_type == "page" and self.options.pages:
                    self.import_page(entry)  # as a page of the site (wordpress.page_import)
                else:
                    self.report.skip("post", _type_reason(entry.post_type))
                    self.skip_comments(entry)
                continue
            try:
                with transaction.atomic():
                    if isinstance(entry, wxr.Author):
                        self.import_author(entry)
                    elif isinstance(entry, wxr.Term):
                        self.import_term(entry)
                    elif isinstance(entry, wxr.Item):
                        self.import_attachment(entry.post_id)
            except Exception as error:  # as for a post: reported, and the import goes on
                title, wordpress_id = _name_and_id(entry)
                self.report.problem(
                    report.ITEM_NOT_IMPORTED, _error_text(error), title=title, wordpress_id=wordpress_id
                )

    def prepare_chunk(self, entries) -> None:
        """Read at once what the chunk's posts will look up: three queries per chunk rather than four per post."""
        posts = [
            entry
            for entry in entries
            if isinstance(entry, wxr.Item) and entry.post_type in self.options.post_types and entry.post_id
        ]
        rows = ImportedItem.objects.of(self.source, Kind.POST).filter(wordpress_id__in=[post.post_id for post in posts])
        self.post_rows = dict.fromkeys((post.post_id for post in posts), None)
        self.post_rows.update((row.wordpress_id, row) for row in rows.select_related("article"))
        comment_ids = [comment.comment_id for post in posts for comment in post.comments]
        rows = ImportedItem.objects.of(self.source, Kind.COMMENT).filter(wordpress_id__in=comment_ids)
        self.comment_rows = {row.wordpress_id: row for row in rows.select_related("comment")}
        wanted = {
            self.wanted_slug(post)
            for post in posts
            if self.post_rows[post.post_id] is None and post.post_id not in self.reserved_slugs
        }
        taken = set(Article.objects.filter(slug__in=wanted).values_list("slug", flat=True))
        taken |= set(ArticleSlugRedirect.objects.filter(old_slug__in=wanted).values_list("old_slug", flat=True))
        self.free_slugs = wanted - taken

    # Mapping rows -----------------------------------------------------------------

    def mapping(self, kind: str, wordpress_id: str, taxonomy: str = "") -> ImportedItem | None:
        return ImportedItem.objects.of(self.source, kind, taxonomy).filter(wordpress_id=wordpress_id).first()

    def post_row(self, post_id: str) -> ImportedItem | None:
        """A post's mapping row: as read for its chunk (prepare_chunk), else from the database."""
        if post_id in self.post_rows:
            return self.post_rows[post_id]
        return self.mapping(Kind.POST, post_id)

    def remember(self, kind: str, wordpress_id: str, target: str, obj, *, taxonomy="", **fields) -> ImportedItem:
        item, _created = ImportedItem.objects.update_or_create(
            source=self.source,
            kind=kind,
            taxonomy=taxonomy,
            wordpress_id=wordpress_id,
            defaults={target: obj, **fields},
        )
        return item

    # Authors ------------------------------------------------------------------------

    def import_author(self, author: wxr.Author) -> None:
        if not author.login:
            return
        existing = self.mapping(Kind.AUTHOR, author.login)
        if existing and existing.user_id:
            self.users[author.login] = existing.user
            self.report.count("author", report.UNCHANGED)
            return
        User = get_user_model()
        username, number = author.login[:150], 1
        user = User.objects.filter(username=username).first()
        while user is not None and not (author.email and user.email.casefold() == author.email.casefold()):
            # Somebody else here already has that login (the same person only by the same email address,
            # never by two empty ones): the WordPress author gets one of their own.
            suffix = "-wordpress" if number == 1 else f"-wordpress-{number}"
            username, number = f"{author.login[: 150 - len(suffix)]}{suffix}", number + 1
            user = User.objects.filter(username=username).first()
        if user is None:
            # Never a name that is an email address (WordPress's display name is often the login, and a
            # login may be one): readers see the name, and a name-less journalist as « La rédaction ».
            first, last = (_not_an_email(content.plain_text_of(name)) for name in (author.first_name, author.last_name))
            if not (first or last):
                # WordPress's display name is the login until somebody changes it: « admin » is no name.
                display = _not_an_email(content.plain_text_of(author.display_name))
                first = "" if display.casefold() == author.login.strip().casefold() else display
            user = User(
                username=username, email=author.email, first_name=first[:150], last_name=last[:150], is_staff=True
            )
            # Nobody signs in as them until an administrator sets a password: Django's password reset skips
            # accounts without a usable one, so an old contributor's mailbox does not open the admin.
            user.set_unusable_password()
            user.save()
            user.groups.add(*Group.objects.filter(name=JOURNALISTS))
            self.report.count("author", report.IMPORTED)
        else:
            self.report.count("author", report.UNCHANGED)
        self.remember(
            Kind.AUTHOR, author.login, "user", user, wordpress_slug=author.author_id, fingerprint=digest(asdict(author))
        )
        self.users[author.login] = user

    def count_undeclared_authors(self) -> None:
        """Authors the file names only in its posts, imported before and not met again (their posts unchanged):
        counted as unchanged, so that a re-run counts every author as the first run did."""
        for login in sorted(self.index.creators - set(self.users)):
            if login and self.mapping(Kind.AUTHOR, login) is not None:
                self.report.count("author", report.UNCHANGED)

    def user_for(self, login: str):
        if login and login not in self.users:
            existing = self.mapping(Kind.AUTHOR, login)
            if existing is None:
                self.import_author(wxr.Author(login=login))  # not declared: a login, and no name
            else:
                self.users[login] = existing.user
                self.report.count("author", report.UNCHANGED)  # as a declared one: counted once per run
        return self.users.get(login)

    # Terms --------------------------------------------------------------------------

    def role_of(self, taxonomy: str) -> str | None:
        """What a taxonomy's terms become here: section, tag, territory, personality; None if unknown."""
        mapped = self.options.taxonomy_map.get(taxonomy)
        if mapped:
            return mapped
        if taxonomy == "category":
            return "category"
        if taxonomy == "post_tag":
            return "tag"
        if taxonomy.casefold() in TERRITORY_TAXONOMIES:
            return "territory"
        if taxonomy.casefold() in PERSONALITY_TAXONOMIES:
            return "personality"
        return None

    def import_term(self, term: wxr.Term | wxr.ItemTerm) -> ImportedItem | None:
        """The term's row, creating what it stands for here on first sight; None for an unknown taxonomy."""
        slug = (decoded_slug(term.slug) or slugify(content.plain_text_of(term.name)))[:SLUG_LENGTH]
        if not slug and not content.plain_text_of(term.name):
            return None  # names nothing: a section or a tag without a name would be shown empty
        if term.taxonomy == "category" and slug in self.index.categories:
            term = self.index.categories[slug]  # as declared, with its parent
        key = (term.taxonomy, slug)
        if key in self.terms:
            return self.terms[key]
        role = self.role_of(term.taxonomy)
        if role is None:
            self.unknown_taxonomies.setdefault(term.taxonomy, set()).add(slug)
            return None
        term_id = getattr(term, "term_id", "") or f"slug:{slug}"
        existing = ImportedItem.objects.of(self.source, Kind.TERM, term.taxonomy).filter(wordpress_slug=slug).first()
        if existing is None:
            existing = self.mapping(Kind.TERM, term_id, term.taxonomy)
        if existing is not None and existing.target is not None:
            self.report.count("term", report.UNCHANGED)
            self.terms[key] = existing
            return existing
        name = content.plain_text_of(term.name) or slug
        target, obj = self.create_term(role, name, slug, term)
        self.report.count("term", report.IMPORTED)
        self.terms[key] = self.remember(
            Kind.TERM,
            term_id,
            target,
            obj,
            taxonomy=term.taxonomy,
            wordpress_slug=slug,
            fingerprint=digest(asdict(term)),
        )
        return self.terms[key]

    def create_term(self, role: str, name: str, slug: str, term) -> tuple[str, object]:
        if role == "category":
            mapped = self.mapped_section(slug, name)
            if mapped is not None:
                return "section", mapped
            if not self.category_parent(slug):
                return "section", self.section_named(name, slug)
            # A sub-category: its articles go to the top category's section, and keep it as a tag.
            return "tag", self.tag_named(name, slug)
        if role == "tag":
            return "tag", self.tag_named(name, slug)
        if role == "territory":
            return "territory", self.named(Territory, name, slug, 150)
        return "personality", self.named(Personality, name, slug, 150)

    def category_parent(self, slug: str) -> str:
        category = self.index.categories.get(slug)
        return category.parent_slug if category else ""

    def top_category(self, slug: str) -> str:
        seen = set()
        while (parent := self.category_parent(slug)) and parent not in seen:
            seen.add(slug)
            if self.options.section_map and self.mapped_section(slug, "") is not None:
                return slug
            slug = parent
        return slug

    def mapped_section(self, slug: str, name: str) -> Section | None:
        wanted = self.options.section_map.get(slug) or (name and self.options.section_map.get(name))
        if not wanted:
            return None
        return self.section_named(wanted, slugify(wanted))

    def section_named(self, name: str, slug: str) -> Section:
        # By the name it will have: two long names alike up to the 100th character are one section.
        name = name[:100]
        section = Section.objects.filter(slug=slug[:100]).first() or Section.objects.filter(name__iexact=name).first()
        if section is None:
            section = Section.objects.create(name=name, slug=self.free_slug(Section, slug or slugify(name), 100))
        return section

    def tag_named(self, name: str, slug: str) -> Tag:
        tag = Tag.objects.filter(name__iexact=name[:100]).first()
        if tag is None:
            tag = Tag.objects.create(name=name[:100], slug=self.free_slug(Tag, slugify(slug) or tag_slug(name), 100))
        return tag

    def named(self, model, name: str, slug: str, length: int):
        name = name[:length]
        found = model.objects.filter(slug=slug[:length]).first() or model.objects.filter(name__iexact=name).first()
        if found is None:
            found = model.objects.create(name=name, slug=self.free_slug(model, slug or slugify(name), length))
        return found

    @staticmethod
    def slug_base(slug: str, length: int) -> str:
        """What ``free_slug`` numbers: the slug made an address's, cut to ``length``, never empty."""
        return slugify(slug)[:length].strip("-") or "sans-titre"

    @classmethod
    def free_slug(cls, model, slug: str, length: int, taken: Callable[[str], bool] | None = None) -> str:
        slug = cls.slug_base(slug, length)
        return numbered(
            slug,
            lambda candidate: model.objects.filter(slug=candidate).exists() or bool(taken and taken(candidate)),
            length,
        )

    def report_unknown_taxonomies(self) -> None:
        for taxonomy, slugs in sorted(self.unknown_taxonomies.items()):
            if taxonomy in INTERNAL_TAXONOMIES:
                self.report.skip("term", f"termes internes à WordPress ({taxonomy})", len(slugs))
            else:
                self.report.skip("term", f"taxinomie inconnue « {taxonomy} »", len(slugs))
                self.report.problem(
                    report.UNKNOWN_TAXONOMY,
                    ngettext(
                        "« %(name)s » (%(count)d terme) : non importée ; --taxonomy %(name)s=territory ou "
                        "--taxonomy %(name)s=personality pour l’importer",
                        "« %(name)s » (%(count)d termes) : non importée ; --taxonomy %(name)s=territory ou "
                        "--taxonomy %(name)s=personality pour l’importer",
                        len(slugs),
                    )
                    % {"name": taxonomy, "count": len(slugs)},
                )

    # Images -------------------------------------------------------------------------

    def import_attachment(self, attachment_id: str, *, for_post: wxr.Item | None = None) -> int | None:
        """The library image of an attachment (imported on first use); None if it cannot be had.

        wordpress.media does the work, documents (PDF, sound, video) and split exports included.
        """
        row = self.attachment_row(attachment_id, for_post=for_post)
        if row is None and for_post is not None:
            self.waiting.add(f"id:{attachment_id}")
        return row.image_id if row is not None else None

    # Links between posts --------------------------------------------------------------

    def article_href(self, url: str) -> str | None:
        """wordpress.content's resolver: « /article/<slug>/ » for a link to another post of the export."""
        parts = urlsplit(url or "")
        site = urlsplit(self.source)
        if parts.netloc and parts.netloc.lower().removeprefix("www.") != site.netloc.lower().removeprefix("www."):
            return None
        query = parse_qs(parts.query)
        post_id = (query.get("p") or query.get("page_id") or [None])[0]
        if post_id is None:
            path = path_of(url)
            post_id = self.index.post_by_path.get(path)
            if post_id is None:
                segments = [segment for segment in path.split("/") if segment]
                post_id = self.index.post_by_slug.get(segments[-1].lower()) if segments else None
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if post_id is None or post_id not in self.index.posts:
            # Not in this file: a post an earlier file imported (a post converted again by the run of its
            # « Médias » file, wordpress.media) keeps its links to the others.
            known = self.imported_article_slug(post_id, url) if self.finishing_waiting else None
            return f"/article/{known}/{fragment}" if known else None
        slug = self.slug_of(post_id)
        return f"/article/{slug}/{fragment}" if slug else None

    def imported_article_slug(self, post_id: str | None, url: str) -> str | None:
        rows = ImportedItem.objects.of(self.source, Kind.POST).filter(article__isnull=False)
        rows = rows.filter(wordpress_id=post_id) if post_id else rows.filter(old_path=path_of(url))
        return rows.values_list("article__slug", flat=True).first()

    def slug_of(self, post_id: str) -> str | None:
        """The slug a post of the export has here, or will have once imported."""
        if post_id in self.reserved_slugs:
            return self.reserved_slugs[post_id]
        if post_id in self.written_slugs:
            return self.written_slugs[post_id]
        slug = (
            ImportedItem.objects.of(self.source, Kind.POST)
            .filter(wordpress_id=post_id, article__isnull=False)
            .values_list("article__slug", flat=True)
            .first()
        )
        if slug:
            return slug
        if post_id not in self.reserved_slugs:
            entry = self.index.posts[post_id]
            self.reserved_slugs[post_id] = self.article_slug(slugify(entry.slug) or f"article-{post_id}")
        return self.reserved_slugs[post_id]

    @staticmethod
    def wanted_slug(post: wxr.Item) -> str:
        """The slug a new post's article would like (``free_slug`` numbers it if it is taken)."""
        # slugify keeps ASCII only: a slug or title in another script gives « article-12 », not a
        # « sans-titre-N » (one query per N) shared with every such post.
        wanted = (
            slugify(decoded_slug(post.slug))
            or slugify(content.plain_text_of(post.title) or "(sans titre)")
            or f"article-{post.post_id}"
        )
        return WordPressImport.slug_base(wanted, 200)

    def article_slug(self, wanted: str) -> str:
        reserved = set(self.reserved_slugs.values())

        def taken(slug: str) -> bool:
            if slug in reserved or slug in self.taken_slugs:
                return True
            if slug in self.free_slugs:  # free when its chunk began, and not taken by this run since
                return False
            return (
                Article.objects.filter(slug=slug).exists() or ArticleSlugRedirect.objects.filter(old_slug=slug).exists()
            )

        return numbered(self.slug_base(wanted, 200), taken, 200)

    # Posts ---------------------------------------------------------------------------

    current_post: wxr.Item | None = None

    def import_post(self, item: wxr.Item) -> None:
        if not item.post_id or item.post_id in self.posts_seen:
            # Without its own id, or with one already met in this file: written as its own article,
            # it would overwrite the other (and each run again, the one after the other).
            self.report.problem(
                report.NOT_IMPORTED,
                "identifiant WordPress en double" if item.post_id else "sans identifiant WordPress",
                title=content.plain_text_of(item.title) or "(sans titre)",
                wordpress_id=item.post_id,
            )
            self.report.skip("post", "articles en erreur")
            self.skip_comments(item)
            return
        self.posts_seen.add(item.post_id)
        if item.status not in self.options.statuses or item.status not in STATUSES:
            if not self.withdraw(item):
                self.report.skip("post", _status_reason(item.status))
            self.skip_comments(item)
            return
        self.current_post = item
        title = content.plain_text_of(item.title) or "(sans titre)"
        known_terms, known_users, known_files = len(self.terms), len(self.users), len(self.written_files)
        counted = self.report.counts.copy(), self.report.skipped.copy()
        self.new_rows, self.comment_plan = [], None
        try:
            with transaction.atomic():
                article = self.write_post(item, title)
                if article is not None:
                    self.import_comments(item, article)
                ImportedItem.objects.bulk_create(self.new_rows)
        except Exception as error:  # one broken post must not stop the archive's import
            self.report.problem(report.NOT_IMPORTED, _error_text(error), title=title, wordpress_id=item.post_id)
            # What it counted was rolled back with it: counted once, as skipped, with its comments.
            self.report.counts, self.report.skipped = counted
            self.report.skip("post", "articles en erreur")
            self.skip_comments(item)
            # The terms and authors it created were rolled back with it: the next posts create them again.
            _forget_after(self.terms, known_terms)
            _forget_after(self.users, known_users)
            # So were the images it brought into the library: their files go too.
            delete_stored_files(Image._meta.get_field("file").storage, self.written_files[known_files:])
            del self.written_files[known_files:]
        else:  # written: the next posts of the chunk find its comments (an id met twice in the file)
            self.comment_rows.update((row.wordpress_id, row) for row in self.new_rows if row.kind == Kind.COMMENT)
        finally:
            self.current_post = None

    def skip_comments(self, item: wxr.Item) -> None:
        """The comments of a post or page not imported: counted, so that every comment of the file is."""
        if item.comments:
            self.report.skip("comment", "commentaires d’éléments non importés", len(item.comments))

    def write_post(self, item: wxr.Item, title: str) -> Article | None:
        blocks = post_parts.referenced_blocks(item.content, self.index.blocks)
        fingerprint = post_fingerprint(item, blocks=blocks)
        existing = self.post_row(item.post_id)
        article = existing.article if existing is not None else None
        # Imported without some of its images (a file missing from --media-dir), or with a sound, a video or
        # a gallery left as a link or text because the libraries lacked them: tried again on the next run,
        # once the desk has found the files, and written again only if it then gets them.
        incomplete = digest([fingerprint, "images manquantes"])
        if article is not None and existing.fingerprint == fingerprint:
            self.report.count("post", report.UNCHANGED)
            return article
        # Unchanged in WordPress since an import made before the body formats: the new mapping may change it.
        before_formats = post_fingerprint(item, body_formats=False) if article is not None else None
        remapped = (
            article is not None
            and before_formats != fingerprint
            and existing.fingerprint in (before_formats, digest([before_formats, "images manquantes"]))
        )
        edited_here = (
            article is not None and ArticleRevision.objects.latest_number(article) != existing.imported_version
        )
        if remapped and edited_here:
            self.report.count("post", report.UNCHANGED)  # the newsroom's version wins, and WordPress's is the same
            return article
        if edited_here:
            # The newsroom's edits win, as for any update; a post its readers needed a password for is
            # said loudly, as the desk may have to withdraw it.
            edited = report.PROTECTED_BUT_EDITED if item.protected and article.is_visible else report.EDITED_HERE
            self.report.problem(edited, "", title=title, wordpress_id=item.post_id)
            self.report.skip("post", "articles modifiés dans la rédaction depuis l’import")
            return article
        self.waiting = set()  # wordpress.media: what the post lacks, for the run that brings it
        converted, standfirst = self.convert_post(item)
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        main_image_id = self.import_attachment(thumbnail, for_post=item) if thumbnail else None
        missing_images = (
            (thumbnail and main_image_id is None)
            or any(problem.kind in INCOMPLETE_BODY for problem in converted.problems)
            or bool(self.waiting)
        )
        if remapped and (article.body, article.main_image_id) == (converted.html, main_image_id):
            # The new body formats change nothing of it (a bare link, a quotation without source): its
            # fingerprint learns them, the article keeps its version.
            existing.fingerprint = incomplete if missing_images else fingerprint
            existing.save(update_fields=["fingerprint", "imported_at"])
            self.report.count("post", report.UNCHANGED)
            return article
        for problem in converted.problems:
            self.report.problem(problem.kind, problem.detail, title=title, wordpress_id=item.post_id)
        if (
            article is not None
            and existing.fingerprint == incomplete
            and (article.body, article.main_image_id) == (converted.html, main_image_id)
        ):
            self.report.count("post", report.UNCHANGED)  # its images are still missing
            return article
        creating = article is None
        if creating:
            article = Article(
                slug=self.reserved_slugs.pop(item.post_id, None) or self.article_slug(self.wanted_slug(item))
            )
        if len(title) > 200:
            self.report.problem(
                report.TRUNCATED, "titre de plus de 200 caractères", title=title, wordpress_id=item.post_id
            )
        article.title = Truncator(title).chars(200)
        article.body = converted.html
        article.standfirst = standfirst
        article.section = self.section_of(item)
        self.set_seo(article, item, title)
        article.status = STATUSES[item.status]
        if article.status == Article.Status.PUBLISHED and item.date is None:
            # Published « now », an archive's article would lead the home page and the feeds.
            self.report.problem(report.UNREADABLE_DATE, "importé en brouillon", title=title, wordpress_id=item.post_id)
            article.status = Article.Status.DRAFT
        if item.protected and article.status == Article.Status.PUBLISHED:
            # Its readers needed the old site's password; here nobody would: not published, whatever
            # its status there, but kept with its date for the desk to decide (« Dépublié »).
            self.report.problem(report.PROTECTED, "", title=title, wordpress_id=item.post_id)
            article.status = Article.Status.UNPUBLISHED
            article.published_at = item.date
        else:
            article.published_at = item.date if article.status == Article.Status.PUBLISHED else None
        article.is_featured = item.sticky
        article.comments_mode = (
            Article.CommentsMode.CLOSED if item.comment_status == "closed" else Article.CommentsMode.MODERATED
        )
        article.main_image_id = main_image_id
        if creating:
            if item.date:
                article.created_at = item.date  # the desk sees when it was written, not when it was imported
            # Its comments decided first, so that their count is written with it rather than by a second
            # write of its row (every index of the articles' table again).
            self.comment_plan = self.plan_comments(item, article)
            article.comment_count = visible_count(self.comment_plan.new_comments())
            self.comment_plan.counted = True
        article.save()
        related = self.set_subjects(article, item, creating=creating)
        remark = f"WordPress n° {item.post_id}"
        if item.protected:
            remark += " : protégé par un mot de passe, réservé, non publié ici"
        revision = ArticleRevision.objects.record(
            article, None, ArticleRevision.Action.IMPORTED, remark=remark, related=related, first=creating
        )
        row = existing or ImportedItem(source=self.source, kind=Kind.POST, wordpress_id=item.post_id)
        row.article = article
        row.wordpress_slug = decoded_slug(item.slug)[:SLUG_LENGTH]
        old_path = path_of(item.link) if item.link and "?" not in item.link else ""
        # Longer than the column: no old address that long is looked up (wordpress.redirects).
        row.old_path = old_path if len(old_path) <= PATH_LENGTH else ""
        row.fingerprint = incomplete if missing_images else fingerprint
        row.pending = self.pending_of(item) if missing_images else None
        row.imported_version = revision.number
        if row.pk is None:
            self.new_rows.append(row)  # with its comments' rows, in one insert (import_post)
        else:
            row.save()
        self.written_slugs[item.post_id] = article.slug
        self.taken_slugs.add(article.slug)
        self.report.count("post", report.IMPORTED if creating else report.UPDATED)
        return article

    def withdraw(self, item: wxr.Item) -> bool:
        """A post made private or binned in WordPress since it was imported: its article leaves readers too.

        Unless the newsroom has worked on it here since, as for any update.
        """
        existing = self.post_row(item.post_id)
        article = existing.article if existing is not None else None
        if article is None or article.status != Article.Status.PUBLISHED:
            return False
        if ArticleRevision.objects.latest_number(article) != existing.imported_version:
            return False
        with transaction.atomic():
            revision = article.unpublish(
                by=None,  # the system's own write: WordPress decided
                # « Importé », not « Dépublié »: the workflow's emails are for the newsroom's own decisions.
                recorded_as=ArticleRevision.Action.IMPORTED,
                remark=f"WordPress n° {item.post_id} : {_status_reason(item.status)}",
            )
            existing.imported_version = revision.number
            existing.fingerprint = post_fingerprint(item)
            existing.save(update_fields=["imported_version", "fingerprint", "imported_at"])
        self.report.count("post", report.UPDATED)
        return True

    def convert_post(self, item: wxr.Item) -> tuple[content.ConvertedBody, str]:
        """The post's body as ours, with its reusable blocks and its notes, and its standfirst (post_parts)."""
        text, missing_blocks = post_parts.inline_blocks(item.content, self.index.blocks)
        text, footnotes = post_parts.mark_footnote_calls(text, item.meta)
        converted = content.convert_body(text, self, site=self.source)
        standfirst, body = post_parts.standfirst_and_body(item.excerpt, converted.html, item.content)
        if footnotes.calls:
            body = post_parts.with_footnotes(
                body, footnotes, lambda note: content.convert_body(note, self, site=self.source).html
            )
        problems = list(converted.problems)
        problems += [
            content.Problem(report.MISSING_BLOCK, f"n° {ref} (absent de l’export ou non publié)")
            for ref in missing_blocks
        ]
        if footnotes.unknown_calls:
            problems.append(content.Problem(report.UNKNOWN_FOOTNOTE, str(footnotes.unknown_calls)))
        return content.ConvertedBody(body, problems), standfirst

    def set_seo(self, article: Article, item: wxr.Item, title: str) -> None:
        """The title and description for search engines the post had in Yoast or Rank Math (« Référencement »)."""
        seo = post_parts.seo_data(item.meta, title=title, excerpt=article.standfirst, category=article.section.name)
        for name, text in (("seo_title", seo.title), ("seo_description", seo.description)):
            length = Article._meta.get_field(name).max_length
            if len(text) > length:
                self.report.problem(
                    report.TRUNCATED,
                    f"{Article._meta.get_field(name).verbose_name} de plus de {length} caractères",
                    title=title,
                    wordpress_id=item.post_id,
                )
            setattr(article, name, post_parts.fitted(text, length))

    def section_of(self, item: wxr.Item) -> Section:
        primary = self.index.category_slugs.get(post_parts.primary_category_id(item.meta))
        # The category Yoast or Rank Math made primary decides, when the post has it; then the first one.
        terms = sorted(item.terms, key=lambda term: decoded_slug(term.slug) != primary if primary else False)
        for term in terms:
            if term.taxonomy != "category":
                continue
            top = self.top_category(decoded_slug(term.slug))
            row = self.import_term(self.index.categories.get(top) or term)
            if row is not None and row.section_id:
                return row.section
        return self.section_named(self.options.default_section, slugify(self.options.default_section))

    def set_subjects(self, article: Article, item: wxr.Item, *, creating: bool) -> dict:
        """Give the article its tags, places, people and author; what it now has, for its version."""
        tags, territories, personalities = [], [], []
        for term in item.terms:
            row = self.import_term(term)
            if row is None:
                continue
            if row.tag_id:
                tags.append(row.tag)
            elif row.section_id and row.section_id != article.section_id:
                # A second category: kept as a tag rather than lost.
                tags.append(self.tag_named(row.section.name, row.section.slug))
            elif row.territory_id:
                territories.append(row.territory)
            elif row.personality_id:
                personalities.append(row.personality)
        author = self.user_for(item.creator)
        related = {
            "tags": list(dict.fromkeys(tags)),
            "territories": list(dict.fromkeys(territories)),
            "personalities": list(dict.fromkeys(personalities)),
            "authors": [author] if author else [],
        }
        for name, objects in related.items():
            if creating:  # nothing to compare with: one insert, no read
                if objects:
                    _link_new_article(article, name, objects)
            else:
                getattr(article, name).set(objects)
        # The import never files an article in a dossier: a new one has none (an old one keeps the desk's).
        dossiers = {"dossiers": []} if creating else {}
        return {**related, "tags": [tag.name for tag in related["tags"]], "related_articles": [], **dossiers}

    # Comments ------------------------------------------------------------------------

    def import_comments(self, item: wxr.Item, article: Article) -> None:
        plan, self.comment_plan = self.comment_plan or self.plan_comments(item, article), None
        for generation in plan.generations:
            self.save_new_comments(generation)
        if plan.changed:
            if not plan.counted:
                refresh_comment_count(article.pk)
            pagecache.purge(article_tag(article.pk))

    def plan_comments(self, item: wxr.Item, article: Article) -> "CommentPlan":
        """What the post's comments become: the new ones built (not written), the changed ones updated, each
        counted in the report. For a new article, before it is written (``article.pk`` is None)."""
        # Read for the chunk (prepare_chunk), with those the chunk's earlier posts wrote.
        known = {
            comment.comment_id: self.comment_rows[comment.comment_id]
            for comment in item.comments
            if comment.comment_id in self.comment_rows
        }
        ours: dict[str, Comment] = {wid: row.comment for wid, row in known.items() if row.comment_id}
        by_id = {comment.comment_id: comment for comment in item.comments}
        plan, seen = CommentPlan(), set()
        levels: dict[int, int] = {}  # id() of a new comment → its generation among the new ones
        for comment in _parents_first(item.comments):
            if comment.comment_type in {"pingback", "trackback"}:
                self.report.skip("comment", "rétroliens (pingbacks, trackbacks)")
                continue
            row = known.get(comment.comment_id)
            if comment.comment_id in seen or (
                row is not None and row.comment_id and row.comment.article_id != article.pk
            ):
                # An id met twice (a broken export): the first one keeps it, rather than being overwritten.
                self.report.skip("comment", "commentaires à l’identifiant en double")
                continue
            seen.add(comment.comment_id)
            status = COMMENT_STATUSES.get(comment.approved)
            fingerprint = digest(asdict(comment))
            if row is not None and row.comment_id and row.fingerprint == fingerprint:
                self.report.count("comment", report.UNCHANGED)
                continue
            if status is None:
                if row is not None and row.comment_id and not row.comment.decisions.exists():
                    # Marked as spam or binned in WordPress since the last import.
                    row.comment.status = Comment.Status.SPAM if comment.approved == "spam" else Comment.Status.REJECTED
                    row.comment.save(update_fields=["status"])
                    row.fingerprint = fingerprint
                    row.save(update_fields=["fingerprint", "imported_at"])
                    self.report.count("comment", report.UPDATED)
                    plan.changed = True
                else:
                    self.report.skip("comment", "commentaires indésirables ou à la corbeille")
                continue
            parent = self.comment_parent(comment, by_id, ours)
            if row is not None and row.comment_id:
                ours[comment.comment_id] = self.update_comment(row, comment, status, fingerprint)
                plan.changed = True
                continue
            new = Comment(
                article=article,
                parent=parent,
                depth=parent.depth + 1 if parent else 1,
                author_name=Truncator(content.plain_text_of(comment.author) or "Anonyme").chars(80),
                author_email=comment.email[:254],
                author_url=_valid_url(comment.url),
                body=content.comment_text(comment.content),
                status=status,
                created_at=comment.date or article.published_at or timezone.now(),
                ip_address=_valid_ip(comment.ip),
            )
            new.body_html = new.render_body()
            if status == Comment.Status.APPROVED:
                # Decided in WordPress, at about the time it was written: not « just now » on the desk.
                new.moderated_at = new.created_at
            ours[comment.comment_id] = new
            # Its parent is written first: a generation after it when it is new too.
            level = levels[id(parent)] + 1 if parent is not None and parent.pk is None else 0
            levels[id(new)] = level
            plan.add(level, (comment.comment_id, new, fingerprint))
        return plan

    def save_new_comments(self, waiting: list[tuple[str, Comment, str]]) -> None:
        """Write new comments in one insert, bypassing Comment.save() (its depth and rendering are done above),
        and count once per post rather than once per comment (``refresh_comment_count``, by the caller)."""
        if not waiting:
            return
        Comment.objects.bulk_create([comment for _id, comment, _fingerprint in waiting])
        # Their mapping rows wait for the post's end: one insert per post (import_post).
        self.new_rows.extend(
            ImportedItem(
                source=self.source,
                kind=Kind.COMMENT,
                wordpress_id=wordpress_id,
                comment=comment,
                fingerprint=fingerprint,
            )
            for wordpress_id, comment, fingerprint in waiting
        )
        self.report.count("comment", report.IMPORTED, len(waiting))
        waiting.clear()

    def comment_parent(self, comment: wxr.Comment, by_id: dict, ours: dict) -> Comment | None:
        """The comment it answers, here; deeper than our threads go, it answers the deepest one allowed."""
        parent = ours.get(comment.parent_id) if comment.parent_id != "0" else None
        while parent is not None and parent.depth >= settings.COMMENTS_MAX_DEPTH:
            parent = parent.parent
        return parent

    def update_comment(self, row: ImportedItem, comment: wxr.Comment, status: str, fingerprint: str) -> Comment:
        ours = row.comment
        ours.body = content.comment_text(comment.content)
        fields = ["body"]
        if not ours.decisions.exists():  # a moderator's decision here wins over WordPress's
            ours.status = status
            ours.moderated_at = ours.created_at if status == Comment.Status.APPROVED else None
            fields += ["status", "moderated_at"]
        ours.save(update_fields=fields)
        row.fingerprint = fingerprint
        row.save(update_fields=["fingerprint", "imported_at"])
        self.report.count("comment", report.UPDATED)
        return ours


def _link_new_article(article: Article, name: str, objects: list) -> None:
    """``add()`` for an article that has no link of this kind yet: one insert, where Django reads the links
    first and taggit reads, then reads and inserts each tag. The same ``m2m_changed`` signals, for the
    receivers (caches, subject dates, search) that follow an article's links."""
    manager = getattr(article, name)
    through = manager.through
    if name == "tags":  # taggit's through model names its columns its own way
        source, target = "content_object", "tag"
    else:
        source, target = manager.source_field_name, manager.target_field_name
    signal = {"sender": through, "instance": article, "reverse": False, "model": type(objects[0])}
    signal |= {"pk_set": {obj.pk for obj in objects}, "using": through.objects.db}
    m2m_changed.send(action="pre_add", **signal)
    through.objects.bulk_create([through(**{source: article, target: obj}) for obj in objects])
    m2m_changed.send(action="post_add", **signal)


def _forget_after(remembered: dict, count: int) -> None:
    """Forget what a dict learnt after its first ``count`` entries (dicts keep their insertion order)."""
    for key in list(remembered)[count:]:
        del remembered[key]


def _parents_first(comments: list[wxr.Comment]) -> list[wxr.Comment]:
    """Comments ordered so that each comes after the one it answers (WordPress numbers them so, nearly always)."""
    ids = {comment.comment_id for comment in comments}
    placed, ordered, waiting = set(), [], list(comments)
    while waiting:
        progress = False
        for comment in list(waiting):
            if comment.parent_id == "0" or comment.parent_id not in ids or comment.parent_id in placed:
                ordered.append(comment)
                placed.add(comment.comment_id)
                waiting.remove(comment)
                progress = True
        if not progress:  # a loop in the export: the rest as they come
            ordered += waiting
            break
    return ordered


def _valid_url(url: str) -> str:
    if not url or len(url) > 200:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return ""
    return url


def _valid_ip(address: str) -> str | None:
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return None
    return address


def _type_reason(post_type: str) -> str:
    names = {
        "page": "pages (--skip-pages)",
        "nav_menu_item": "éléments de menu",
        "wp_block": "blocs réutilisables (insérés dans les articles qui les citent)",
    }
    return names.get(post_type, f"contenus de type « {post_type} »")


def _status_reason(status: str) -> str:
    names = {
        "private": "articles privés (--status private pour les importer)",
        "trash": "articles à la corbeille (--status trash pour les importer)",
        "auto-draft": "brouillons automatiques",
        "inherit": "révisions",
    }
    return names.get(status, f"articles au statut « {status} »")


def _not_an_email(name: str) -> str:
    return "" if "@" in name else name


def _name_and_id(entry) -> tuple[str, str]:
    """How the report names an author, a term or an attachment."""
    if isinstance(entry, wxr.Author):
        return entry.login, ""
    if isinstance(entry, wxr.Term):
        return content.plain_text_of(entry.name) or entry.slug, entry.term_id
    return content.plain_text_of(entry.title) or entry.post_id, entry.post_id


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return f"{type(error).__name__} : {error}"
