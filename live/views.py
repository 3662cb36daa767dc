"""The one address every reader of a live asks for new entries (``static/articles/body.js``, « Live coverage »).

Peers show the trap: a poll that carries the reader's own « since » (Automattic's Liveblog put a
timestamp in the address) misses every cache, so each reader costs a render each time. Here the
address names the live and nothing else, the answer is the same bytes for everybody, and it is
kept by the page cache under ``live:N`` until an entry is posted, corrected or withdrawn (see
``caching``): ten thousand readers cost one render per change, whatever how often they ask.
The page cache also sends it to CDNs with its tags, and browsers revalidate it by its ETag.

Each render is counted in the shared cache (``render_count``), for the benchmark and the tests.
"""

from django.core.cache import cache
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

import pagecache
from articles.caching import article_tag
from articles.models import Article

from .caching import live_tag
from .models import LiveCoverage, LiveEntry
from .page_part import for_display

# The newest entries (and every pinned one, shown first) that the shared address carries: the reader's
# first page and a margin, so that what a reader has on screen can be corrected or withdrawn in place.
POLLED_ENTRIES = 30
# Withdrawn entries the address names, newest first: a reader's page removes them.
POLLED_WITHDRAWALS = 50


def _renders_key(coverage_pk) -> str:
    return f"live:renders:{coverage_pk}"


def count_render(coverage_pk) -> None:
    key = _renders_key(coverage_pk)
    # add() then incr(): atomic on Redis and on the other backends' own terms; a cache down counts nothing.
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


def render_count(coverage_pk) -> int:
    """How many times the shared address of this live was rendered (not served from a cache), on every server."""
    return int(cache.get(_renders_key(coverage_pk)) or 0)


@require_safe
def entries(request, coverage_pk: int):
    """The live's newest entries as JSON, the same for every reader: what the page's script adds, replaces or removes."""
    if request.GET:
        raise Http404("the address takes no query")  # one address per live: no variant to render, nor cache to miss
    coverage = get_object_or_404(
        LiveCoverage.objects.select_related("article"), pk=coverage_pk, article__in=Article.objects.published()
    )
    count_render(coverage.pk)
    # The live's entries, and the article's card tag: an article withdrawn takes its live's address with it.
    pagecache.tag(live_tag(coverage.pk), article_tag(coverage.article_id))
    shown = LiveEntry.objects.filter(coverage=coverage)
    newest = for_display(shown.for_readers()[:POLLED_ENTRIES])
    withdrawn = list(
        shown.filter(withdrawn_at__isnull=False)
        .order_by("-withdrawn_at")
        .values_list("pk", flat=True)[:POLLED_WITHDRAWALS]
    )
    return JsonResponse(
        {
            "ended": not coverage.is_ongoing,
            "entries": [
                {
                    "id": entry.pk,
                    "version": entry.version,
                    "pinned": entry.is_pinned,
                    "html": render_to_string("live/entry.html", {"entry": entry}),
                }
                for entry in newest
            ],
            "withdrawn": withdrawn,
        },
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )
