"""Each subject's latest published article (``models.SubjectDate``), kept as articles and their links change.

The sitemaps read these dates instead of finding them in the articles (2 s at 100,000 articles).
They are kept here, at once, inside the transaction that makes the change:

- an article published, or linked to a subject while published, can only move a date forward:
  the date becomes the later of the two, in two queries a subject kind, whatever the archive's size;
- anything that may take a date back — an article unpublished, deleted, unlinked, its date or
  its section changed, a place moved in the tree of places — finds the dates of the subjects
  concerned again from the articles, with the very filter their pages use
  (``Subject.articles_about``);
- writes that skip Django's signals (``bulk_create`` in the benchmark's generator) end with
  ``manage.py refresh_subject_dates``, which finds them all again;
- a batch of many writes (a WordPress import) runs inside ``dates_deferred()``: the subjects it
  touches are found again once, when it ends, rather than two to ten times per article.
"""

import contextlib
import contextvars

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from .changes import stored_values
from .models import Article, SubjectDate, Territory
from .subjects import BY_LINK_TABLE, SUBJECTS, TERRITORIES, Subject

# The subjects an article names in a column of its own (its section), read before a save.
OWN_COLUMNS = {subject: subject.link.subject_column for subject in SUBJECTS if not subject.link.is_link_table}


def _listed_articles():
    # Published, whether visible yet or scheduled: see SubjectDate.
    return Article.objects.filter(status=Article.Status.PUBLISHED)


# Inside ``dates_deferred()``: subject → the ids of the subjects to find again when it ends (None: all).
_deferred: contextvars.ContextVar[dict | None] = contextvars.ContextVar("deferred_subject_dates", default=None)


@contextlib.contextmanager
def dates_deferred():
    """Find the dates of the subjects a batch of writes touched once, when it ends, from the articles.

    Finding a date again from the articles is right whatever happened in between (an article
    published then unpublished, a post's transaction rolled back), so the batch only collects
    ids. Until it ends, sitemaps may show a subject's previous date. On an error nothing is done
    (its transaction is lost anyway).
    """
    if _deferred.get() is not None:  # already in a batch: it ends with the outer one
        yield
        return
    collected: dict = {}
    token = _deferred.set(collected)
    try:
        yield
    finally:
        _deferred.reset(token)
    for subject, ids in collected.items():
        recompute(subject, ids)


def _defer(subject: Subject, ids) -> bool:
    collected = _deferred.get()
    if collected is None:
        return False
    if ids is None or collected.get(subject, set()) is None:
        collected[subject] = None
    else:
        collected.setdefault(subject, set()).update(pk for pk in ids if pk is not None)
    return True


def recompute(subject: Subject, ids=None) -> None:
    """Find again, from the articles, the dates of these subjects (of every one, without ids)."""
    if _defer(subject, ids):
        return
    subjects = subject.model._base_manager.order_by()
    rows = SubjectDate.objects.filter(kind=subject.kind)
    if ids is not None:
        ids = subject.listing_links_to(ids)
        if not ids:
            return
        subjects, rows = subjects.filter(pk__in=ids), rows.filter(subject_id__in=ids)
    articles = subject.articles_about(_listed_articles(), OuterRef("pk"))
    latest = articles.order_by("-published_at").values("published_at")[:1]
    found = dict(subjects.annotate(latest=Subquery(latest)).filter(latest__isnull=False).values_list("pk", "latest"))
    rows.exclude(subject_id__in=list(found)).delete()
    SubjectDate.objects.bulk_create(
        [SubjectDate(kind=subject.kind, subject_id=pk, latest_published_at=date) for pk, date in found.items()],
        update_conflicts=True,
        unique_fields=["kind", "subject_id"],
        update_fields=["latest_published_at"],
    )


def recompute_all() -> None:
    for subject in SUBJECTS:
        recompute(subject)


def fill_after_migrate(plan=None, using="default", **kwargs) -> None:
    """Find every subject's latest publication when the table that keeps them has just been made.

    Not in migration 0019 itself: the subjects' filters are today's code and need today's tables,
    which exist only once every migration has run (``post_migrate``). From then on the receivers
    below keep the dates.
    """
    made_now = any(
        migration.app_label == "articles" and migration.name == "0019_subject_dates" and not backwards
        for migration, backwards in plan or ()
    )
    if made_now:
        with transaction.atomic(using=using):
            recompute_all()


def _move_forward(subject: Subject, ids, date) -> None:
    """These subjects have a published article of this date: their date is at least that one."""
    if date is not None and _defer(subject, ids):
        return
    ids = subject.listing_links_to(ids)
    if not ids or date is None:
        return
    rows = SubjectDate.objects.filter(kind=subject.kind, subject_id__in=ids)
    rows.filter(latest_published_at__lt=date).update(latest_published_at=date)
    SubjectDate.objects.bulk_create(
        [SubjectDate(kind=subject.kind, subject_id=pk, latest_published_at=date) for pk in ids],
        ignore_conflicts=True,
    )


def _subjects_of(article) -> dict[Subject, set[int]]:
    return {subject: {pk for _, pk in subject.link.pairs([article.pk]) if pk is not None} for subject in SUBJECTS}


# Articles -----------------------------------------------------------------------------------


@receiver(pre_save, sender=Article)
def article_about_to_change(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._dated_before = stored_values(instance, "status", "published_at", *OWN_COLUMNS.values())


@receiver(post_save, sender=Article)
def article_changed(sender, instance, created=False, raw=False, **kwargs):
    before = instance.__dict__.pop("_dated_before", None)
    if raw:
        return
    was_listed = bool(before) and before["status"] == Article.Status.PUBLISHED
    is_listed = instance.status == Article.Status.PUBLISHED
    if not (was_listed or is_listed):
        return  # a draft
    if was_listed and is_listed and not any(before[name] != getattr(instance, name) for name in before):
        return  # a correction of its text: no date moves
    went_forward = is_listed and (
        not was_listed
        or None not in (before["published_at"], instance.published_at)
        and before["published_at"] <= instance.published_at
    )
    # A new article has no links yet (they follow, through m2m_changed): only its own columns.
    subjects = {subject: {getattr(instance, column)} for subject, column in OWN_COLUMNS.items()}
    for subject, ids in (subjects if created else _subjects_of(instance)).items():
        if went_forward:
            _move_forward(subject, ids, instance.published_at)
        else:
            recompute(subject, ids)
    for subject, column in OWN_COLUMNS.items():
        if was_listed and before[column] != getattr(instance, column):
            recompute(subject, {before[column]})  # the section it left


@receiver(pre_delete, sender=Article)
def article_about_to_go(sender, instance, **kwargs):
    # Its links go with it: read them before.
    if instance.status == Article.Status.PUBLISHED:
        instance._subjects_before = _subjects_of(instance)


@receiver(post_delete, sender=Article)
def article_deleted(sender, instance, **kwargs):
    for subject, ids in instance.__dict__.pop("_subjects_before", {}).items():
        recompute(subject, ids)


def article_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Subjects added to or taken from an article (or articles to or from a subject, ``reverse``)."""
    subject = BY_LINK_TABLE[sender]
    if action == "pre_clear" and not reverse:
        # clear() does not say what it removes: read it before.
        instance._undated_pks = {pk for _, pk in subject.link.pairs([instance.pk])}
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:
        pks, latest = {instance.pk}, None
        if action == "post_add":
            dates = _listed_articles().filter(pk__in=pk_set).values_list("published_at", flat=True)
            latest = max((date for date in dates if date is not None), default=None)
    elif instance.status == Article.Status.PUBLISHED:
        pks, latest = set(pk_set or ()), instance.published_at
        if action == "post_clear":
            pks = instance.__dict__.pop("_undated_pks", set())
    else:
        return
    if action == "post_add":
        _move_forward(subject, pks, latest)
    else:
        recompute(subject, pks)


for _table in BY_LINK_TABLE:
    m2m_changed.connect(article_links_changed, sender=_table, dispatch_uid=f"subject-dates-{_table._meta.label}")


# Subjects -----------------------------------------------------------------------------------


def subject_deleted(sender, instance, **kwargs):
    for subject in SUBJECTS:
        if subject.model is sender:
            SubjectDate.objects.filter(kind=subject.kind, subject_id=instance.pk).delete()


for _subject in SUBJECTS:
    post_delete.connect(subject_deleted, sender=_subject.model, dispatch_uid=f"subject-dates-{_subject.kind}")


# A place's page lists the articles about the places inside it: when the tree of places changes
# (``signals`` has rebuilt the containers by then), every place's date is found again. Rare,
# and a few milliseconds for a région's places.


@receiver(pre_save, sender=Territory)
def territory_about_to_move(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._dated_parent = (stored_values(instance, "parent_id") or {}).get("parent_id")


@receiver(post_save, sender=Territory)
def territory_moved(sender, instance, created=False, raw=False, **kwargs):
    parent_before = instance.__dict__.pop("_dated_parent", None)
    if not (raw or created) and parent_before != instance.parent_id:
        recompute(TERRITORIES)


@receiver(post_delete, sender=Territory)
def territory_gone(sender, instance, **kwargs):
    recompute(TERRITORIES)


@receiver(m2m_changed, sender=Territory.groupings.through)
def territory_groupings_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        recompute(TERRITORIES)
