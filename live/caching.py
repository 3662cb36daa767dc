"""The page-cache tags of live coverage, and the purges each change of a live makes.

``live:7`` (``live_tag``) names what a live shows of its entries: the article's page, the shared
polling address every reader asks for new entries, the live's feed. Each of those pages tags itself
with it (and the article's page with ``articles.caching.page_tag`` as any article page does).

A posted, corrected, pinned or unpinned entry purges ``live:N`` and the article's page: one purge of
two tags, never the whole cache, so ten thousand readers polling the shared address cost one render
per change. A withdrawn or deleted entry is purged *at once*: no page that shows it is served again,
not even for the seconds « stale while revalidate » allows. Starting or ending a live also purges the
article's card (``article:N``), which may say « En direct » wherever it is listed.
"""

import pagecache
from articles.caching import article_tag, page_tag


def live_tag(coverage_pk) -> str:
    """The tag of every page that shows this live's entries (its article's page, its polling address, its feed)."""
    return f"live:{coverage_pk}"


def purge_entry(entry, *, withdrawn: bool) -> None:
    """One entry changed: its live's pages are stale; at once when readers must no longer see it."""
    pagecache.purge(live_tag(entry.coverage_id), page_tag(entry.coverage.article_id), at_once=withdrawn)


def purge_coverage(coverage, *, withdrawn: bool = False) -> None:
    """A live started, ended or deleted: its pages and the article's card everywhere are stale."""
    pagecache.purge(
        live_tag(coverage.pk),
        page_tag(coverage.article_id),
        article_tag(coverage.article_id),
        at_once=withdrawn,
    )
