"""What a page's change makes stale (the footer's menu, kept pages), and pages' bodies rendered again
when what they show of others changes (as articles.signals does for articles' bodies)."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

import pagecache
from articles.caching import SITEMAPS
from articles.changes import has_changed, stored_values
from articles.models import Article
from documents.models import Document
from images.models import Image
from pagecache.core import pending_on_commit

from .caching import FOOTER, FOOTER_CACHE_KEY, page_tag
from .models import Page

# What the footer's menu shows of a page, and whether it is there.
FOOTER_FIELDS = ("title", "slug", "status", "show_in_footer", "footer_position")
# What a page's parent and children show of it (breadcrumb, list of sub-pages), and the sitemap.
NAMED_FIELDS = ("title", "slug", "status", "parent_id")


def _forget_footer() -> None:
    cache.delete(FOOTER_CACHE_KEY)
    # Again once committed: a reader between the save and the commit may have cached the old menu.
    transaction.on_commit(lambda: cache.delete(FOOTER_CACHE_KEY))
    pagecache.purge(FOOTER)


def _in_footer(values) -> bool:
    return values["status"] == Page.Status.PUBLISHED and values["show_in_footer"]


@receiver(pre_save, sender=Page)
def page_about_to_change(sender, instance, raw=False, **kwargs):
    instance._before = None if raw else stored_values(instance, *FOOTER_FIELDS, "parent_id")


@receiver(post_save, sender=Page)
def page_changed(sender, instance, raw=False, **kwargs):
    before = instance.__dict__.pop("_before", None)
    if raw:
        return
    now = {name: getattr(instance, name) for name in (*FOOTER_FIELDS, "parent_id")}
    was_published = bool(before) and before["status"] == Page.Status.PUBLISHED
    if not (was_published or instance.is_published):
        return  # a draft: no reader page shows it
    if (bool(before) and _in_footer(before) or _in_footer(now)) and has_changed(before, instance, FOOTER_FIELDS):
        _forget_footer()
    tags = {page_tag(instance.pk)}
    if has_changed(before, instance, NAMED_FIELDS):
        parents = {instance.parent_id, before["parent_id"] if before else None} - {None}
        tags |= {SITEMAPS, *(page_tag(pk) for pk in parents)}
    if was_published and not instance.is_published:  # withdrawn: never served again, not even stale
        pagecache.purge(page_tag(instance.pk), at_once=True)
        tags.discard(page_tag(instance.pk))
    pagecache.purge(*tags)


@receiver(post_delete, sender=Page)
def page_deleted(sender, instance, **kwargs):
    if not instance.is_published:
        return
    if instance.show_in_footer:
        _forget_footer()
    pagecache.purge(page_tag(instance.pk), at_once=True)
    pagecache.purge(SITEMAPS, *([page_tag(instance.parent_id)] if instance.parent_id else []))


# Stored bodies --------------------------------------------------------------------------------
# A page's body is rendered when it is saved (Page.save). What it shows of an article (its address,
# whether readers may see it), an image or a document is rendered again once their change is
# committed: few pages, found from what each body refers to (Page.body_references), and their
# kept copies purged after that.


class _RerenderAfterCommit:
    """The pages to render again once the transaction commits: one pass for all the changes it made."""

    def __init__(self):
        self.changed: set[tuple[str, int]] = set()  # ("images", 12): what changed, as in Page.body_references
        self.slugs: set[str] = set()  # new or renamed articles a body may name by that address
        self.done = False

    def __call__(self) -> None:
        self.done = True  # a later change, in another transaction, needs a pass of its own
        pks = set()
        for page in Page.objects.only("pk", "body_references"):
            references = page.body_references
            if any(pk in references.get(kind, ()) for kind, pk in self.changed) or self.slugs.intersection(
                references.get("slugs", ())
            ):
                pks.add(page.pk)
        rerender_pages(pks)


def _rerender_after_commit(kind: str, pk, slug: str | None = None) -> None:
    # In a batch of writes (an import), once at its end rather than once per article: every page read each time.
    pending = pagecache.at_batch_end(_RerenderAfterCommit())
    fresh = False
    if pending is None:
        pending = pending_on_commit(_RerenderAfterCommit)
        fresh = pending is None or pending.done
        if fresh:
            pending = _RerenderAfterCommit()
    pending.changed.add((kind, pk))
    if slug:
        pending.slugs.add(slug)
    if fresh:
        transaction.on_commit(pending)  # outside a transaction: at once


def rerender_pages(pks) -> None:
    if not pks:
        return
    pages = list(Page.objects.filter(pk__in=pks))
    for page in pages:
        page.render_body_html()
    Page.objects.bulk_update(pages, ["body_html", "description", "body_references"])
    pagecache.purge(*(page_tag(page.pk) for page in pages))


@receiver(post_save, sender=Article)
def linked_article_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created or instance.link_target_changed():
        _rerender_after_commit("articles", instance.pk, slug=instance.slug)


@receiver(post_delete, sender=Article)
def linked_article_deleted(sender, instance, **kwargs):
    _rerender_after_commit("articles", instance.pk)


@receiver(post_save, sender=Image)
@receiver(post_delete, sender=Image)
def image_changed(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created:
        _rerender_after_commit("images", instance.pk)


@receiver(post_save, sender=Document)
@receiver(post_delete, sender=Document)
def document_changed(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created:
        _rerender_after_commit("documents", instance.pk)
