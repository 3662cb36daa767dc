"""The lists the subscription forms offer, read on every reader page: cached, and their pages tagged.

- ``newsletter-lists`` — the forms' lists (the footer's, the article's, /lettres/): every page
  kept with a form carries it, and a list created, renamed, opened, closed or deleted purges it.

The lists are read from the shared cache (``OPEN_LISTS_KEY``), so that a form costs a page no
query once warm (one when the cache lost the value, at most every ``OPEN_LISTS_SECONDS``).
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

import pagecache

from .models import NewsletterList

LISTS_TAG = "newsletter-lists"
OPEN_LISTS_KEY = "newsletters:open-lists"
# Only a bound in case a delete of the key was lost (the cache out of reach at that moment).
OPEN_LISTS_SECONDS = 300


@dataclass(frozen=True)
class OfferedList:
    """What a form shows of a list open to readers: a small value, cheap to keep in the cache."""

    slug: str
    name: str
    description: str
    kind: str


def open_lists() -> tuple[OfferedList, ...]:
    """The lists readers may join, in the forms' order: a cache read, one query when the cache lost it."""
    lists = cache.get(OPEN_LISTS_KEY)
    if lists is None:
        lists = tuple(
            OfferedList(item.slug, item.name, item.description, item.kind)
            for item in NewsletterList.objects.open().only("slug", "name", "description", "kind")
        )
        # add, not set: a render that read the database before a change was committed must not
        # put back the value that change's receiver has just removed.
        cache.add(OPEN_LISTS_KEY, lists, OPEN_LISTS_SECONDS)
    return lists


def tagged_open_lists() -> tuple[OfferedList, ...]:
    """For the page being rendered: the open lists, and its tag (without opting the page into the cache)."""
    pagecache.depends_on(LISTS_TAG)
    return open_lists()


def morning_list(lists: tuple[OfferedList, ...]) -> OfferedList | None:
    """The list the compact forms offer: the first open daily letter (« La lettre du matin »), if any."""
    return next((item for item in lists if item.kind == NewsletterList.Kind.DAILY), None)


def _forget_and_purge() -> None:
    cache.delete(OPEN_LISTS_KEY)
    pagecache.purge(LISTS_TAG)


@receiver(post_save, sender=NewsletterList)
@receiver(post_delete, sender=NewsletterList)
def lists_changed(sender, **kwargs) -> None:
    # At once (the next page in this process reads the change) and once committed (no page rendered
    # from the data before the commit survives it), as pagecache.purge does for the pages.
    _forget_and_purge()
    transaction.on_commit(_forget_and_purge)
