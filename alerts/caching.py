"""How the alert reaches every reader page, cached ones included, with one tag and no query.

Every HTML page of the site shows the banner slot, so every kept page carries ``ALERT_TAG``
(``alert``): putting an alert up or down purges that one tag — every page is rendered again on
its next request, on every server and, through the purge hook, on the CDN — and nothing else is
touched (the cache is not emptied: articles, images and lists stay as they were).

Taking an alert down (or replacing the one readers see) is a withdrawal: purged *at once*, so
that no page is served stale with it, not even for the second a render takes. Putting one up
where there was none, or correcting its text, is an ordinary purge: on a busy night each page is
rendered once while the others are served the previous copy for that moment, instead of every
worker rendering the same page at once.

The alert readers see is read from the cache (``CURRENT_KEY``), written once each change is
committed and just before the purge: rendering a page costs no query (one when the cache lost the
value, at most every ``CURRENT_SECONDS``).
A page showing an alert is kept no later than its end (``pagecache.cache_until``): it expires
with the banner, without any write.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

import pagecache

from .models import Alert, alert_changed

ALERT_TAG = "alert"
CURRENT_KEY = "alerts:current"
# Only a bound in case a write of the key was lost (the cache out of reach at that moment).
CURRENT_SECONDS = 300
_NONE = "none"  # cached as such: « no alert » must be a hit too, not a query on every page


@dataclass(frozen=True)
class Banner:
    """What readers see of the current alert: a small value, cheap to keep in the cache."""

    text: str
    link: str
    expires_at: datetime | None

    def shown_at(self, now: datetime) -> bool:
        return self.expires_at is None or self.expires_at > now


def _from_database() -> Banner | str:
    alert = Alert.objects.current().only("text", "link", "expires_at").first()
    return Banner(alert.text, alert.link, alert.expires_at) if alert else _NONE


def current_banner(now: datetime | None = None) -> Banner | None:
    """The banner to show now, or None: a cache read, and one query when the cache lost it."""
    value = cache.get(CURRENT_KEY)
    if value is None:
        value = _from_database()
        # add, not set: a render that read the database before a commit must not overwrite
        # the value that commit's refresh wrote (``_AfterCommit``).
        cache.add(CURRENT_KEY, value, CURRENT_SECONDS)
    if value == _NONE or not value.shown_at(now or timezone.now()):
        return None
    return value


def tagged_banner() -> Banner | None:
    """For the page being rendered: its tag, the banner, and the page's end when the banner's comes first."""
    pagecache.depends_on(ALERT_TAG)
    banner = current_banner()
    if banner is not None:
        pagecache.cache_until(banner.expires_at)
    return banner


class _AfterCommit:
    """Once the change is committed: the new value in the cache, then the one purge."""

    def __init__(self, *, withdrawn: bool):
        self.withdrawn = withdrawn

    def __call__(self) -> None:
        # In this order: a page rendered after the purge reads the new value. Purging inside the
        # transaction too (as pagecache.purge does for content) would gain nothing here: the value
        # pages read is the cached one, and it only changes now.
        cache.set(CURRENT_KEY, _from_database(), CURRENT_SECONDS)
        # In a transaction of its own: pagecache.purge hands its tags to the CDN hook after a commit,
        # and outside any transaction that « after » would come before the tags were given.
        with transaction.atomic():
            pagecache.purge(ALERT_TAG, at_once=self.withdrawn)


@receiver(alert_changed)
def refresh_and_purge(sender, withdrawn: bool, **kwargs) -> None:
    """After a change to the current alert (one per operation): once committed, the cached value, then
    every page with the banner. ``withdrawn``: readers were seeing what changed, never serve it stale."""
    transaction.on_commit(_AfterCommit(withdrawn=withdrawn))


@receiver(post_delete, sender=Alert)
def alert_deleted(sender, instance, **kwargs) -> None:
    # Deleted by a superuser or from the shell (the admin offers no delete): like taken down.
    if instance.is_current:
        refresh_and_purge(sender, withdrawn=True)
