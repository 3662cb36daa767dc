"""Purges sent to Varnish (deploy/varnish/newsroom.vcl), and the task that sends again those that failed.

A purge is a ``PURGE`` request to each Varnish with the tags in ``xkey-softpurge`` (an ordinary
change: Varnish may still serve the old page for the app's stale-while-revalidate, while it fetches
the new one) or ``xkey-purge`` (content withdrawn: the copy is dropped, never served again). Both
are idempotent, so sending one twice costs at most a render.

``pagecache.varnish.purge_tags`` tries each Varnish at once after the commit; for those it did not
reach, it enqueues ``resend_purges``, which the task worker (``manage.py worker``) runs and runs
again after ``retry_delay`` until each Varnish has answered, or until nothing cached before the
change can still be served by it (``give_up_after``).
"""

import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)

SOFT_HEADER = "xkey-softpurge"
HARD_HEADER = "xkey-purge"
# Tags per request, so that a header stays far below Varnish's limit (8 KB by default, http_req_hdr_len).
TAGS_PER_REQUEST = 100
# The worker's own attempts may wait longer than the one made while an editor's save returns.
TASK_TIMEOUT_SECONDS = 3.0
# Tasks before mails: a purge late by a second shows readers an old page.
PRIORITY = 10


def send_purge(url: str, header: str, tags: list[str], timeout: float) -> bool:
    """One ``PURGE`` to one Varnish (``http://host:port``): whether it answered 200 for every batch of tags."""
    for start in range(0, len(tags), TAGS_PER_REQUEST):
        request = urllib.request.Request(
            url.rstrip("/") + "/",
            headers={header: " ".join(tags[start : start + TAGS_PER_REQUEST])},
            method="PURGE",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            # 403: this app server is not in the VCL's newsroom_purgers. Retried: the ACL may be fixed.
            logger.error("Varnish %s refused the purge of %s: %s %s", url, header, error.code, error.reason)
            return False
        except OSError as error:  # refused, reset, timed out: Varnish restarting or out of reach
            # Not a warning: a Varnish down a minute would write one per change and per second.
            logger.info("Varnish %s not reached for a purge: %s", url, error)
            return False
    return True


def purge_servers(urls: list[str], soft: list[str], hard: list[str], timeout: float) -> list[str]:
    """Purge these tags on each Varnish; the addresses of those that did not take every purge."""
    missed = []
    for url in urls:
        # The withdrawn tags first: they are what must never be served again.
        reached = (not hard or send_purge(url, HARD_HEADER, hard, timeout)) and (
            not soft or send_purge(url, SOFT_HEADER, soft, timeout)
        )
        if not reached:
            missed.append(url)
    return missed


def retry_delay(attempt: int) -> float:
    """Seconds before the ``attempt``-th new try: half a second, then every second for two minutes
    (a Varnish restarting, a network blip: the purge lands within a second or two of its return),
    then every ten seconds."""
    if attempt <= 1:
        return 0.5
    return 1.0 if attempt <= 120 else 10.0


def give_up_after() -> float:
    """Seconds after the change past which no copy cached before it is fresh in Varnish: pages are kept
    ``PAGE_CACHE_SECONDS`` at most (their s-maxage), then served stale for ``PAGE_CACHE_STALE_SECONDS``."""
    return settings.PAGE_CACHE_SECONDS + settings.PAGE_CACHE_STALE_SECONDS


def enqueue_resend(urls: list[str], soft: list[str], hard: list[str], attempt: int, since: float) -> None:
    """Schedule the ``attempt``-th new try for these Varnish servers."""
    run_after = timezone.now() + timedelta(seconds=retry_delay(attempt))
    resend_purges.using(run_after=run_after, priority=PRIORITY).enqueue(urls, soft, hard, attempt, since)


@task
def resend_purges(urls: list[str], soft: list[str], hard: list[str], attempt: int, since: float) -> str:
    """Send again the purges of one change to the Varnish servers not reached yet; ``since``: the Unix
    time of the change. Each try that misses one schedules the next, until ``give_up_after``."""
    missed = purge_servers(urls, soft, hard, TASK_TIMEOUT_SECONDS)
    if not missed:
        return f"purged on {len(urls)} Varnish after {attempt} attempt(s)"
    if time.time() - since + retry_delay(attempt + 1) > give_up_after():
        # Whatever it cached before the change has expired by now: nothing left to purge.
        logger.error("Varnish %s still out of reach: purge of %s given up", missed, sorted(soft + hard))
        return f"given up for {missed}"
    enqueue_resend(missed, soft, hard, attempt + 1, since)
    return f"missed {missed}, attempt {attempt + 1} scheduled"
