"""The newsroom's page-cache tags: what each reader page shows, and what each change makes stale.

Two kinds of tags per subject (section, territory, personality, tag, author):

- ``section:3`` — the thing itself (its name, its description): every page that names it;
- ``section:3:articles`` — the list of articles about it: its page and its feed.

An article has two tags too: ``article:42`` for what its card shows everywhere (title,
standfirst, picture, date, comment count) and ``article:42:page`` for the rest of its
page (text, places, people, related articles, rectificatifs and updates). A list carries
its subject's two tags and ``article:N`` for each card it shows. So editing an article's title purges the
pages that show it; adding a town to it purges its page and the town's lists, not the
front page; publishing it purges the lists it enters; renaming a town purges the pages
that name it — and nothing else.

A scheduled article appears without any write: the lists it will enter are kept no
later than its publication time (``next_publication``).

A purged page may be served as it was for a few seconds while one worker renders it again
(pagecache's « stale while revalidate »), except for what is withdrawn from readers: an article
leaving « published » or deleted (its page, its card everywhere, its line in the sitemaps), a
rectificatif or an image deleted. Those purges are made ``at_once``: no page showing them is
served again, not even for a second (``withdrawn``). Edits, additions and moves stay ordinary.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

import pagecache
from documents.models import Document
from images.models import Image
from pagecache.core import pending_on_commit

from .changes import has_changed, stored_values
from .models import Article, BodyReference, Correction, Section, Territory
from .subjects import BY_LINK_TABLE, BY_MODEL, SECTIONS, SUBJECTS, TERRITORIES, Subject

# Lists of the latest articles of the whole site: the front page and the main feed.
LATEST = "articles"
SITEMAPS = "sitemaps"
# The section menu, on every HTML page.
MENU = "menu"
# The sections, places, people and tags that have a page: the sitemaps list them.
SUBJECT_PAGES = "subjects"
# Date archives (articles.archives): ``archives:2024`` for every archive page whose list or links
# depend on the articles of 2024 — its own year's, and the years up to the nearest periods it
# links to. A page with no earlier or no later period to link to also carries ``archives:edges``:
# an article anywhere may become that period.
ARCHIVE_EDGES = "archives:edges"


def archive_tag(year: int) -> str:
    return f"archives:{year}"


def archive_tags(moment) -> set[str]:
    """What an article published at ``moment`` changes among the archive pages."""
    return {archive_tag(timezone.localtime(moment).year), ARCHIVE_EDGES} if moment else set()


def article_tag(pk) -> str:
    return f"article:{pk}"


def page_tag(pk) -> str:
    return f"article:{pk}:page"


def subject_tag(kind: str, pk) -> str:
    return f"{kind}:{pk}"


def listing_tag(kind: str, pk) -> str:
    return f"{kind}:{pk}:articles"


def places_tag(pk) -> str:
    """The list of places inside a territory, on its page."""
    return f"territory:{pk}:places"


# What pages show ---------------------------------------------------------------------


def tag_cards(articles) -> None:
    """A list of article cards: each card shows the article, its section's name and its picture."""
    tags = []
    for article in articles:
        tags += [article_tag(article.pk), subject_tag("section", article.section_id)]
        if article.main_image_id:
            tags.append(subject_tag("image", article.main_image_id))
    pagecache.tag(*tags)


def tag_subject_page(subject: Subject, thing, context=None) -> None:
    """A subject's page or feed (``thing`` is the section, the place…), and what else its page names."""
    tags = [subject_tag(subject.kind, thing.pk), listing_tag(subject.kind, thing.pk)]
    if subject is TERRITORIES and context is not None:
        named = [*context["places_inside"], *([thing.parent] if thing.parent_id else [])]
        tags += [places_tag(thing.pk), *(subject_tag(subject.kind, place.pk) for place in named)]
    pagecache.tag(*tags)


def tag_archive_page(period, previous, following) -> None:
    """An archive page: its period's year and every year up to the periods it links to."""
    first = previous.year if previous else period.year
    last = following.year if following else period.year
    tags = [archive_tag(year) for year in range(first, last + 1)]
    if previous is None or following is None:
        tags.append(ARCHIVE_EDGES)
    pagecache.tag(*tags)


def tag_article_page(article: Article) -> None:
    """Everything the article page names: from what the page reads anyway, no query of its own."""
    tags = {article_tag(article.pk), page_tag(article.pk), subject_tag("section", article.section_id)}
    data = article.page_data
    for subject in SUBJECTS:
        # The subjects the page names (``page_data`` holds those it shows); the section's is above.
        if subject.link.is_link_table:
            tags.update(subject_tag(subject.kind, thing.pk) for thing in data.get(subject.article_field, ()))
    if article.main_image_id:
        tags.add(subject_tag("image", article.main_image_id))
    tags.update(subject_tag("image", pk) for pk in data["image_ids"])
    tags.update(subject_tag("document", pk) for pk in data["document_ids"])
    # A link's address follows its target's slug, which its card tag covers.
    tags.update(article_tag(pk) for pk in data["linked_article_ids"])
    pagecache.tag(*tags)
    tag_cards(article.visible_related_articles)


# What changes make stale -----------------------------------------------------------------


def _containers_of(territory_ids) -> dict[int, set[int]]:
    found = defaultdict(set)
    links = Territory.containers.through.objects.filter(from_territory_id__in=territory_ids)
    for member_id, container_id in links.values_list("from_territory_id", "to_territory_id"):
        found[member_id].add(container_id)
    return found


def listing_tags(subject: Subject, pks) -> set[str]:
    """The lists that show the articles about these subjects.

    A territory's list shows the articles about any place inside it: tagging a place changes them all.
    """
    pks = set(pks)
    if subject is TERRITORIES:
        pks = pks.union(*_containers_of(pks).values())
    return {listing_tag(subject.kind, pk) for pk in pks}


def memberships(articles) -> dict[int, set[str]]:
    """For each article, the tags of every list it appears in and of every page that links to it.

    A fixed number of queries for any number of articles (staff side, and the schedule).
    """
    dates = dict(articles.order_by().values_list("pk", "published_at"))
    ids = list(dates)
    found = {pk: {LATEST, SITEMAPS, *archive_tags(moment)} for pk, moment in dates.items()}
    if not found:
        return found
    for subject in SUBJECTS:
        pairs = subject.link.pairs(ids)
        subject_ids = {subject_id for _, subject_id in pairs}
        lists = {pk: listing_tags(subject, [pk]) for pk in subject_ids} if subject is TERRITORIES else None
        for article_id, subject_id in pairs:
            if subject_id is not None:
                found[article_id].update(lists[subject_id] if lists else {listing_tag(subject.kind, subject_id)})
    # Pages that show it as a related article or link to it from their text.
    related = Article.related_articles.through.objects.filter(to_article_id__in=ids)
    for article_id, page_id in related.values_list("to_article_id", "from_article_id"):
        found[article_id].add(page_tag(page_id))
    for article_id, page_id in BodyReference.objects.filter(target_article_id__in=ids).values_list(
        "target_article_id", "article_id"
    ):
        found[article_id].add(page_tag(page_id))
    return found


def membership_tags(article: Article) -> set[str]:
    return memberships(Article.objects.filter(pk=article.pk)).get(article.pk, set())


# Scheduled articles -------------------------------------------------------------------------

SCHEDULE_KEY = "articles:page-schedule"


def build_schedule() -> dict[str, list[float]]:
    """Tag → the moments (Unix times) at which a scheduled article enters the pages carrying it."""
    scheduled = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
    moments = dict(scheduled.values_list("pk", "published_at"))
    schedule = defaultdict(list)
    for pk, tags in memberships(Article.objects.filter(pk__in=list(moments))).items():
        for tag in tags:
            schedule[tag].append(moments[pk].timestamp())
    return {tag: sorted(times) for tag, times in schedule.items()}


def next_publication(tags: set[str], now: float) -> float | None:
    schedule = cache.get(SCHEDULE_KEY)
    if schedule is None:  # first use, or evicted: rebuilt from the database
        schedule = build_schedule()
        cache.set(SCHEDULE_KEY, schedule, timeout=None)
    return min((moment for tag in tags for moment in schedule.get(tag, ()) if moment > now), default=None)


pagecache.register_expiry_source(next_publication)


class _RefreshSchedule:
    def __call__(self) -> None:
        cache.set(SCHEDULE_KEY, build_schedule(), timeout=None)


def schedule_changed() -> None:
    """Forget the schedule now (readers rebuild it if they need it first), and rebuild it once committed."""
    if pagecache.at_batch_end(_RefreshSchedule()):
        return  # a batch of writes (an import): rebuilt once, when it ends
    cache.delete(SCHEDULE_KEY)
    if pending_on_commit(_RefreshSchedule) is None:
        transaction.on_commit(_RefreshSchedule())


# Receivers ------------------------------------------------------------------------------

PLACEMENT_FIELDS = ("status", "section_id", "published_at", "is_featured")
# What an article's card shows, besides its section and date (comment counts purge on their own).
CARD_FIELDS = ("title", "slug", "standfirst", "main_image_id")


def withdrawn(*tags: str) -> None:
    """What these tags name is withdrawn from readers: never served again, not even stale for a moment."""
    pagecache.purge(*tags, at_once=True)


def _withdrawn_article_tags(pk) -> set[str]:
    """What shows an article gone from readers: its page, its card on every list and feed, the sitemaps."""
    return {article_tag(pk), page_tag(pk), SITEMAPS}


def _is_listed(status) -> bool:
    # Published, visible or scheduled: a scheduled article's lists must learn its time.
    return status == Article.Status.PUBLISHED


@receiver(pre_save, sender=Article)
def article_about_to_change(sender, instance, raw=False, **kwargs):
    instance._placement_before = None if raw else stored_values(instance, *PLACEMENT_FIELDS, *CARD_FIELDS)


@receiver(post_save, sender=Article)
def article_changed(sender, instance, raw=False, **kwargs):
    before = instance.__dict__.pop("_placement_before", None)
    if raw:
        return
    was_listed = bool(before) and _is_listed(before["status"])
    if not (was_listed or _is_listed(instance.status)):
        return  # a draft: no reader page shows it
    tags = {page_tag(instance.pk), SITEMAPS}
    moved = has_changed(before, instance, PLACEMENT_FIELDS)
    if moved or has_changed(before, instance, CARD_FIELDS):
        tags.add(article_tag(instance.pk))
    if moved:
        # In a batch of writes (an import), the lists it joins would cost five queries per article
        # to name, and the batch ends by making every page stale anyway (pagecache.purges_deferred).
        tags |= {pagecache.SITE_TAG} if pagecache.batching() else membership_tags(instance)
        if before:
            tags.add(listing_tag(SECTIONS.kind, before["section_id"]))
            tags |= archive_tags(before["published_at"])  # the period it leaves
        schedule_changed()
    if was_listed and not _is_listed(instance.status):  # unpublished
        withdrawn(*_withdrawn_article_tags(instance.pk))
        tags -= _withdrawn_article_tags(instance.pk)
    pagecache.purge(*tags)


@receiver(pre_delete, sender=Article)
def article_about_to_go(sender, instance, **kwargs):
    # Its links go with it: the lists it was in are read before.
    instance._memberships_before = membership_tags(instance) if _is_listed(instance.status) else set()


@receiver(post_delete, sender=Article)
def article_deleted(sender, instance, **kwargs):
    tags = instance.__dict__.pop("_memberships_before", set())
    if tags:
        withdrawn(*_withdrawn_article_tags(instance.pk))
        pagecache.purge(*(tags - _withdrawn_article_tags(instance.pk)))
        schedule_changed()


@receiver(post_save, sender=Correction)
@receiver(post_delete, sender=Correction)
def correction_changed(sender, instance, raw=False, signal=None, **kwargs):
    """A rectificatif or an update added, edited or withdrawn: the article's page, and wherever its date shows.

    Adding one moves the article's « Mis à jour le … » (``Correction.save``): the feeds listing it
    carry that date (they hold its card's tag), the sitemaps as lastmod.
    """
    if raw:
        return
    status = Article.objects.filter(pk=instance.article_id).values_list("status", flat=True).first()
    if not _is_listed(status):
        return
    tags = {page_tag(instance.article_id), article_tag(instance.article_id), SITEMAPS}
    if signal is post_delete:  # its text leaves the article's page at once
        withdrawn(page_tag(instance.article_id))
        tags.discard(page_tag(instance.article_id))
    pagecache.purge(*tags)


def article_subjects_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    subject = BY_LINK_TABLE[sender]
    field = subject.article_field
    if action == "pre_clear":
        # clear() does not say what it removes: read it before.
        if reverse:
            articles = Article.objects.filter(**{field: instance})
            instance._cleared_pks = set(articles.values_list("pk", flat=True))
        else:
            instance._cleared_pks = set(getattr(instance, field).values_list("pk", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    pks = instance.__dict__.pop("_cleared_pks", set()) if action == "post_clear" else set(pk_set or ())
    if not pks:
        return
    if reverse:
        listed = list(Article.objects.filter(pk__in=pks, status=Article.Status.PUBLISHED).values_list("pk", flat=True))
        if not listed:
            return
        tags = {SITEMAPS, *listing_tags(subject, [instance.pk]), *(page_tag(pk) for pk in listed)}
    else:
        if not _is_listed(instance.status):
            return
        # In a batch (an import), the lists of a place's containers would cost a query per article to name,
        # and the batch ends by making every page stale anyway, as for a moved article (article_changed).
        lists = {pagecache.SITE_TAG} if pagecache.batching() else listing_tags(subject, pks)
        tags = {page_tag(instance.pk), SITEMAPS, *lists}
    pagecache.purge(*tags)
    schedule_changed()


for _table in BY_LINK_TABLE:
    m2m_changed.connect(article_subjects_changed, sender=_table, dispatch_uid=f"pagecache-links-{_table._meta.label}")


@receiver(m2m_changed, sender=Article.related_articles.through)
def related_articles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        pages = set(pk_set or ()) if reverse else {instance.pk}
        pagecache.purge(*(page_tag(pk) for pk in pages))
        schedule_changed()


# Subjects: their names are on many pages.

MENU_FIELDS = ("name", "slug", "menu_position")


@receiver(pre_save, sender=Section)
def section_about_to_change(sender, instance, raw=False, **kwargs):
    instance._menu_before = None if raw else stored_values(instance, *MENU_FIELDS)


def subject_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    tags = {subject_tag(BY_MODEL[sender].kind, instance.pk), SUBJECT_PAGES}
    if sender is Section and has_changed(instance.__dict__.pop("_menu_before", None), instance, MENU_FIELDS):
        tags.add(MENU)
    pagecache.purge(*tags)


for _subject in SUBJECTS:
    if _subject.purged_on_save:
        for _signal in (post_save, post_delete):
            _signal.connect(subject_changed, sender=_subject.model, dispatch_uid=f"pagecache-{_subject.kind}")


@receiver(pre_save, sender=Territory)
def territory_about_to_change(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None:
        instance._parent_before = stored_values(instance, "parent_id")
        instance._containers_before = _containers_of([instance.pk])[instance.pk]


def _territory_moved(territory, containers_before: set[int]) -> None:
    """Its containers' lists and their lists of places inside change with it."""
    containers = containers_before | _containers_of([territory.pk])[territory.pk]
    tags = {subject_tag("territory", territory.pk), SUBJECT_PAGES, *listing_tags(TERRITORIES, [territory.pk])}
    tags.update(places_tag(pk) for pk in containers)
    tags.update(listing_tag("territory", pk) for pk in containers)
    pagecache.purge(*tags)
    schedule_changed()


# Registered after articles.signals, which rebuilds the containers first.
@receiver(post_save, sender=Territory)
def territory_changed(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    containers_before = instance.__dict__.pop("_containers_before", set())
    if created or has_changed(instance.__dict__.pop("_parent_before", None), instance, ["parent_id"]):
        _territory_moved(instance, containers_before)
    else:
        pagecache.purge(subject_tag("territory", instance.pk), SUBJECT_PAGES)


@receiver(pre_delete, sender=Territory)
def territory_about_to_go(sender, instance, **kwargs):
    instance._containers_before = _containers_of([instance.pk])[instance.pk]


@receiver(post_delete, sender=Territory)
def territory_deleted(sender, instance, **kwargs):
    containers = instance.__dict__.pop("_containers_before", set())
    tags = {subject_tag("territory", instance.pk), SUBJECT_PAGES, listing_tag("territory", instance.pk)}
    tags.update(places_tag(pk) for pk in containers)
    tags.update(listing_tag("territory", pk) for pk in containers)
    pagecache.purge(*tags)
    schedule_changed()


@receiver(m2m_changed, sender=Territory.groupings.through)
def territory_groupings_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action in {"pre_add", "pre_remove", "pre_clear"}:
        members = [instance.pk] if not reverse else list(pk_set or instance.members.values_list("pk", flat=True))
        instance._moved_before = {pk: _containers_of([pk])[pk] for pk in members}
    elif action in {"post_add", "post_remove", "post_clear"}:
        for pk, before in instance.__dict__.pop("_moved_before", {}).items():
            _territory_moved(Territory(pk=pk), before)


AUTHOR_NAME_FIELDS = ("first_name", "last_name", "username")


@receiver(pre_save, sender=get_user_model())
def person_about_to_change(sender, instance, raw=False, update_fields=None, **kwargs):
    skipped = raw or (update_fields is not None and not set(update_fields) & set(AUTHOR_NAME_FIELDS))
    instance._name_before = None if skipped else stored_values(instance, *AUTHOR_NAME_FIELDS)


@receiver(post_save, sender=get_user_model())
def person_changed(sender, instance, created=False, raw=False, **kwargs):
    before = instance.__dict__.pop("_name_before", None)
    if not raw and before and has_changed(before, instance, AUTHOR_NAME_FIELDS):
        pagecache.purge(subject_tag("author", instance.pk), SUBJECT_PAGES)


@receiver(post_save, sender=Image)
def image_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        pagecache.purge(subject_tag("image", instance.pk))


@receiver(post_delete, sender=Image)
def image_deleted(sender, instance, **kwargs):
    # A picture taken down (its rights, a person's request): no page shows it again.
    withdrawn(subject_tag("image", instance.pk))


@receiver(post_save, sender=Document)
def document_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        pagecache.purge(subject_tag("document", instance.pk))


@receiver(post_delete, sender=Document)
def document_deleted(sender, instance, **kwargs):
    # Like a picture: a document taken down is linked or played by no page again.
    withdrawn(subject_tag("document", instance.pk))
