"""WordPress pages (« À propos », « Contact », « Mentions légales »…) as pages of the site (pages.Page),
and the names of attachments' pages, which old addresses still ask for.

WordPress keeps them as posts of type « page », in a tree, at ``/<slug>/`` and ``/<parent>/<child>/``;
here they become pages at ``/page/<slug>/`` (docs/decisions/static-pages.md), their parent kept, their
body converted as a post's (``wordpress.content``). A page only readers with a password or an account
could read there (protected, private) comes in as a draft, and the report says so: pages have no
« réservé » state, and a draft is what readers never see. Re-runs work as for posts: an unchanged page
is not written again, a changed one is updated unless the newsroom edited it here since.

``PageImport`` is a part of ``wordpress.importer.WordPressImport``, which gives it its report, its
mapping rows, its authors and the resolver of images and links the body conversion asks.
"""

import hashlib
import json
from urllib.parse import unquote

from django.db import transaction
from django.db.models import Max
from django.utils.text import Truncator, slugify

from images.models import Image, delete_stored_files
from pages.models import Page, PageRevision

from . import content, report, wxr
from .addresses import path_of
from .models import ImportedItem

Kind = ImportedItem.Kind

# WordPress's statuses of a page → ours; any other (trash, auto-draft, inherit) is not imported.
PAGE_STATUSES = {
    "publish": Page.Status.PUBLISHED,
    "draft": Page.Status.DRAFT,
    "pending": Page.Status.DRAFT,
    "future": Page.Status.DRAFT,  # pages have no schedule here: the desk publishes it when the day comes
    "private": Page.Status.DRAFT,
}
# Why a page WordPress showed to some readers only is a draft here (the report's problems).
PRIVATE_PAGE = "page privée dans WordPress : importée en brouillon"
PROTECTED_PAGE = "page protégée par un mot de passe dans WordPress : importée en brouillon"
SCHEDULED_PAGE = "page programmée dans WordPress : importée en brouillon"
PAGE_NOT_IMPORTED = "page non importée"
# A body's problems that a later run may solve (its files found): converted again then.
INCOMPLETE_BODY = frozenset({content.MISSING_IMAGE, content.MEDIA_AS_LINK, content.GALLERY_NOT_IMPORTED})
SLUG_LENGTH = Page._meta.get_field("slug").max_length
ROW_SLUG_LENGTH = ImportedItem._meta.get_field("wordpress_slug").max_length
PATH_LENGTH = ImportedItem._meta.get_field("old_path").max_length
# Attachments whose rows are read at once when naming them (a query's parameters stay few).
ATTACHMENT_CHUNK = 500
# What a page's fingerprint reads of it: named, so that a field the reader of exports learns later
# (as wxr.Item gains them) does not make every page « changed » on the next run.
FINGERPRINTED = ("title", "content", "slug", "status", "parent_id", "protected", "link", "creator")


def wordpress_slug(item: wxr.Item) -> str:
    """The page's slug as WordPress's addresses hold it, decoded (« mentions-légales »)."""
    return unquote(item.slug or "").strip().lower()


def page_fingerprint(item: wxr.Item) -> str:
    data = {name: getattr(item, name) for name in FINGERPRINTED}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class PageImport:
    """The pages part of an import run (mixed into ``WordPressImport``)."""

    def import_page(self, item: wxr.Item) -> None:
        """One WordPress page, in a transaction of its own: a broken page is reported, the import goes on."""
        title = content.plain_text_of(item.title) or "(sans titre)"
        if not item.post_id or item.post_id in self.posts_seen:
            reason = "identifiant WordPress en double" if item.post_id else "sans identifiant WordPress"
            self.report.problem(PAGE_NOT_IMPORTED, reason, title=title, wordpress_id=item.post_id)
            self.report.skip("page", "pages en erreur")
            return
        self.posts_seen.add(item.post_id)
        self.skip_page_comments(item)
        if item.status not in PAGE_STATUSES:
            if not self.withdraw_page(item):
                self.report.skip("page", f"pages au statut « {item.status} »")
            return
        self.current_post = item
        users, files = dict(self.users), len(self.written_files)
        try:
            with transaction.atomic():
                self.write_page(item, title)
        except Exception as error:  # as for a post
            self.report.problem(
                PAGE_NOT_IMPORTED, f"{type(error).__name__} : {error}", title=title, wordpress_id=item.post_id
            )
            self.report.skip("page", "pages en erreur")
            self.users = users  # the authors it created were rolled back with it
            delete_stored_files(Image._meta.get_field("file").storage, self.written_files[files:])
            del self.written_files[files:]
        finally:
            self.current_post = None

    def skip_page_comments(self, item: wxr.Item) -> None:
        # A page here has no comments: those it had are counted, not lost silently.
        if item.comments:
            self.report.skip("comment", "commentaires de pages (les pages n’en ont pas ici)", len(item.comments))

    def write_page(self, item: wxr.Item, title: str) -> None:
        fingerprint = page_fingerprint(item)
        existing = self.mapping(Kind.PAGE, item.post_id)
        page = existing.page if existing is not None else None
        if page is not None and existing.fingerprint == fingerprint:
            self.report.count("page", report.UNCHANGED)
            return
        if page is not None and self.page_edited_here(existing, page):
            self.report.problem(report.EDITED_HERE, "", title=title, wordpress_id=item.post_id)
            self.report.skip("page", "pages modifiées dans la rédaction depuis l’import")
            return
        converted = content.convert_body(item.content, self, site=self.source)
        incomplete = any(problem.kind in INCOMPLETE_BODY for problem in converted.problems)
        waiting = hashlib.sha256(f"{fingerprint} images manquantes".encode()).hexdigest()
        if page is not None and existing.fingerprint == waiting and page.body == converted.html:
            self.report.count("page", report.UNCHANGED)  # its files are still missing
            return
        for problem in converted.problems:
            self.report.problem(problem.kind, problem.detail, title=title, wordpress_id=item.post_id)
        status, hidden = self.page_status(item)
        if hidden:
            self.report.problem(hidden, "", title=title, wordpress_id=item.post_id)
        creating = page is None
        if creating:
            page = Page(slug=self.page_slug(item, title))
        page.title = Truncator(title).chars(200)
        page.body = converted.html
        page.status = status
        page.save()
        remark = f"Importée de WordPress (n° {item.post_id})"
        if hidden:
            remark += f" : {hidden}"
        revision = PageRevision.objects.record(page, self.user_for(item.creator), remark=remark[:200])
        row = existing or ImportedItem(source=self.source, kind=Kind.PAGE, wordpress_id=item.post_id)
        row.page = page
        row.wordpress_slug = wordpress_slug(item)[:ROW_SLUG_LENGTH]
        old_path = path_of(item.link) if item.link and "?" not in item.link else ""
        row.old_path = old_path if len(old_path) <= PATH_LENGTH else ""
        row.fingerprint = waiting if incomplete else fingerprint
        row.imported_version = revision.number
        row.save()
        # Its parent may come later in the file: placed once every page is in (place_pages).
        self.page_parents[page.pk] = item.parent_id
        self.report.count("page", report.IMPORTED if creating else report.UPDATED)

    @staticmethod
    def page_edited_here(row: ImportedItem, page: Page) -> bool:
        """Changed here since the import wrote it: a version of its text, or its status, address or place."""
        latest = PageRevision.objects.filter(page=page).aggregate(latest=Max("number"))["latest"]
        return latest != row.imported_version or page.updated_at > row.imported_at

    @staticmethod
    def page_status(item: wxr.Item) -> tuple[str, str]:
        """Its status here, and why it is a draft when WordPress showed it to some readers."""
        if item.protected:
            return Page.Status.DRAFT, PROTECTED_PAGE
        if item.status == "private":
            return Page.Status.DRAFT, PRIVATE_PAGE
        if item.status == "future":
            return Page.Status.DRAFT, SCHEDULED_PAGE
        return PAGE_STATUSES[item.status], ""

    def page_slug(self, item: wxr.Item, title: str) -> str:
        wanted = slugify(wordpress_slug(item)) or slugify(title) or f"page-{item.post_id}"
        if wanted.isdigit():
            wanted = f"page-{wanted}"  # /page/2/ is a list's second page (pages.models.not_only_figures)
        return self.free_slug(Page, wanted, SLUG_LENGTH)

    def withdraw_page(self, item: wxr.Item) -> bool:
        """A page binned in WordPress since it was imported leaves readers too, unless edited here since."""
        existing = self.mapping(Kind.PAGE, item.post_id)
        page = existing.page if existing is not None else None
        if page is None or not page.is_published or self.page_edited_here(existing, page):
            return False
        page.status = Page.Status.DRAFT
        page.save(update_fields=["status"])
        existing.fingerprint = page_fingerprint(item)
        existing.save(update_fields=["fingerprint", "imported_at"])
        self.report.count("page", report.UPDATED)
        return True

    def place_pages(self) -> None:
        """Give the pages written by this run their parent, now that every page of the file is in."""
        if not self.page_parents:
            return
        wanted = {parent for parent in self.page_parents.values() if parent and parent != "0"}
        found = dict(
            ImportedItem.objects.of(self.source, Kind.PAGE)
            .filter(wordpress_id__in=wanted, page__isnull=False)
            .values_list("wordpress_id", "page_id")
        )
        for page in Page.objects.filter(pk__in=self.page_parents):
            parent_id = found.get(self.page_parents[page.pk])
            if parent_id == page.pk:
                parent_id = None
            if page.parent_id != parent_id:
                page.parent_id = parent_id
                page.save(update_fields=["parent"])  # through save(): the parents' pages are purged
        self.page_parents = {}

    # Attachment pages -----------------------------------------------------------------------------

    def note_attachment_page(self, entry: wxr.Item) -> None:
        """Pass 1: the slug of an attachment's page (« /2024/05/mon-article/photo-du-maire/ »)."""
        slug = wordpress_slug(entry)[:ROW_SLUG_LENGTH]
        if entry.post_id and slug:
            self.attachment_slugs[entry.post_id] = slug

    def name_attachments(self) -> None:
        """Give the attachments brought into a library their page's slug, by which wordpress.redirects finds
        them: once (a re-run finds them named and writes nothing)."""
        ids = list(self.attachment_slugs)
        for start in range(0, len(ids), ATTACHMENT_CHUNK):
            rows = [
                row
                for row in ImportedItem.objects.of(self.source, Kind.ATTACHMENT)
                .filter(wordpress_id__in=ids[start : start + ATTACHMENT_CHUNK])
                .only("pk", "wordpress_id", "wordpress_slug")
                if row.wordpress_slug != self.attachment_slugs[row.wordpress_id]
            ]
            for row in rows:
                row.wordpress_slug = self.attachment_slugs[row.wordpress_id]
            ImportedItem.objects.bulk_update(rows, ["wordpress_slug"])
