"""The CDN purge hook: tell a CDN or a caching proxy which tags to purge, after each committed change.

CDNs differ (Fastly purges by ``Surrogate-Key``, Cloudflare by ``Cache-Tag``, Varnish
with xkey by a header of its own), so the site sends one neutral request that a small
adapter or the proxy itself turns into the CDN's call. Set ``NEWSROOM_CDN_PURGE_URL``
to use this one, or ``NEWSROOM_PAGE_CACHE_PURGE_HOOK`` to the dotted path of your own
callable taking the list of tags.
"""

import json
import logging
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)


def post_tags(tags: list[str]) -> None:
    """POST ``{"tags": [...]}`` as JSON to NEWSROOM_CDN_PURGE_URL, with its optional bearer token."""
    url = settings.CDN_PURGE_URL
    if not url:
        return
    request = urllib.request.Request(
        url,
        data=json.dumps({"tags": tags}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    if settings.CDN_PURGE_TOKEN:
        request.add_header("Authorization", f"Bearer {settings.CDN_PURGE_TOKEN}")
    # A slow CDN API must not hold the editor's save for long.
    with urllib.request.urlopen(request, timeout=settings.CDN_PURGE_TIMEOUT_SECONDS) as response:
        if response.status >= 300:
            logger.warning("CDN purge answered %s for %s", response.status, tags)
