"""What the top of the front page shows, and how it stays cached until the editors change it.

The top is the composition in force (``FrontPageComposition``), read in one query by the slots'
primary keys with what a card needs: its visible articles in the editors' order, the others
(unpublished, scheduled, deleted) skipped without a hole. If fewer remain than the composition's
places, « À la une » articles fill it, then the sections' latest, so the top is never empty. With
nothing composed, the top is « À la une » as before.

The front page carries ``FRONT_PAGE_TAG``: saving or cancelling a composition purges that one
tag. A composition scheduled for 6 h needs no write at 6 h: the cached front page is kept no
later than the next composition's time (``next_composition``, a page-cache expiry source).
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

import pagecache
from pagecache.core import pending_on_commit

from .models import Article, FrontPageComposition

FRONT_PAGE_TAG = "frontpage"
SCHEDULE_KEY = "articles:front-page-schedule"


def composed_articles(published, composition=None) -> list[Article]:
    """The visible articles of ``composition`` (by default the one in force), in the editors' order.

    ``published`` is the readers' card queryset (``published().for_listing()``): one query, from
    the composition's slots to their articles by primary key, never a scan of the articles.
    """
    if composition is None:
        composition = FrontPageComposition.objects.in_force().values("pk")[:1]
    return list(
        published.filter(front_page_slots__composition=composition).order_by("front_page_slots__position")[
            : settings.FRONT_PAGE_SLOTS
        ]
    )


def top_articles(published, composed: list[Article], wanted: int) -> list[Article]:
    """The top of the front page: the composed articles, then « À la une » ones up to ``wanted``.

    One query, only when the composed ones fall short (or nothing is composed).
    """
    top = list(composed)
    if len(top) < wanted:
        top += published.featured().exclude(pk__in=[article.pk for article in top])[: wanted - len(top)]
    return top


def fill_from_latest(top: list[Article], latest: list[Article], wanted: int) -> list[Article]:
    """Complete a top that still falls short with the newest of the sections' latest (already read).

    Returns those moved up, for their sections' blocks to leave them out.
    """
    missing = wanted - len(top)
    if missing <= 0:
        return []
    newest = sorted(latest, key=lambda article: (article.published_at, article.pk), reverse=True)[:missing]
    top += newest
    return newest


# The page cache: when the next composition takes effect ---------------------------------------


def build_schedule() -> list[float]:
    """The moments (Unix times) at which a scheduled composition takes effect."""
    return [
        moment.timestamp()
        for moment in FrontPageComposition.objects.scheduled().values_list("takes_effect_at", flat=True)
    ]


def next_composition(tags: set[str], now: float) -> float | None:
    """For the page cache: a page showing the top is kept no later than the next composition's time."""
    if FRONT_PAGE_TAG not in tags:
        return None
    schedule = cache.get(SCHEDULE_KEY)
    if schedule is None:  # first use, or evicted: rebuilt from the database
        schedule = build_schedule()
        cache.set(SCHEDULE_KEY, schedule, timeout=None)
    return min((moment for moment in schedule if moment > now), default=None)


pagecache.register_expiry_source(next_composition)


class _RefreshSchedule:
    def __call__(self) -> None:
        cache.set(SCHEDULE_KEY, build_schedule(), timeout=None)


@receiver(post_save, sender=FrontPageComposition)
@receiver(post_delete, sender=FrontPageComposition)
def composition_changed(sender, instance, raw=False, **kwargs):
    """A composition saved or cancelled: the front page, once — even one to come, whose time the cached
    page must learn (it is kept no later than the next composition's)."""
    if raw:
        return
    cache.delete(SCHEDULE_KEY)
    if pending_on_commit(_RefreshSchedule) is None:
        transaction.on_commit(_RefreshSchedule())
    pagecache.purge(FRONT_PAGE_TAG)
