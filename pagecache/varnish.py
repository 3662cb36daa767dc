"""The purge hook for Varnish (``NEWSROOM_VARNISH_PURGE_URLS``): each committed change's tags to every Varnish.

``pagecache.core`` calls ``purge_tags`` after each commit with the purged tags, and those purged at
once (content withdrawn). Each Varnish is tried at once, with a short timeout, so that a purge
normally lands within milliseconds of the commit; one that does not answer (restarting, out of
reach) gets the purge from the task worker, retried every second (``pagecache.tasks``). The retry is
enqueued only for the servers missed, so a purge that landed is not sent twice (a soft purge sent
again would cost a render of every page it names). See docs/varnish.md.
"""

import logging
import time
from collections.abc import Collection

from django.conf import settings

from .tasks import enqueue_resend, purge_servers

logger = logging.getLogger(__name__)

# The editor's save waits for this, once per Varnish that does not answer: a Varnish on the
# network answers a PURGE in a millisecond; one that does not is left to the task worker.
IMMEDIATE_TIMEOUT_SECONDS = 0.5


def purge_tags(tags: Collection[str], *, at_once: Collection[str] = ()) -> None:
    """Purge ``tags`` on every Varnish: ``at_once`` (among them) hard, the others soft."""
    hard = sorted(set(at_once))
    soft = sorted(set(tags) - set(hard))
    urls = list(settings.VARNISH_PURGE_URLS)
    if not urls or not (soft or hard):
        return
    changed = time.time()
    missed = purge_servers(urls, soft, hard, IMMEDIATE_TIMEOUT_SECONDS)
    if missed:
        # A row in the tasks' table: the purge outlives this process and Varnish's absence.
        enqueue_resend(missed, soft, hard, attempt=1, since=changed)
        logger.warning("Varnish %s not reached: the task worker will send the purge of %s", missed, soft + hard)
