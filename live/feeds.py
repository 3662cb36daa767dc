"""The RSS feed of a live's entries, newest first: linked from the live article's <head>.

Cached like every feed, under the live's tag (``live:N``): a new, corrected or withdrawn entry
purges it. Authors by their public name only (« La rédaction » for who has none), never a login or an email.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

import pagecache
from articles.caching import article_tag
from articles.models import Article
from articles.typography import fix_french_spacing

from .caching import live_tag
from .models import LiveCoverage, LiveEntry
from .page_part import ShownEntry, for_display, page_url

FEED_LENGTH = 30


class LiveEntriesFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "fr"

    def get_object(self, request, coverage_pk):
        return get_object_or_404(
            LiveCoverage.objects.select_related("article"), pk=coverage_pk, article__in=Article.objects.published()
        )

    def get_feed(self, obj, request):
        pagecache.tag(live_tag(obj.pk), article_tag(obj.article_id))
        return super().get_feed(obj, request)

    def items(self, coverage):
        self._article_url = coverage.article.get_absolute_url()
        # Newest first, pinned or not: a feed reader sorts by date.
        return for_display(
            LiveEntry.objects.filter(coverage=coverage).shown().order_by("-published_at", "-pk")[:FEED_LENGTH]
        )

    def title(self, coverage):
        return escape(fix_french_spacing(_("En direct : %(title)s") % {"title": coverage.article.title}))

    def link(self, coverage):
        return coverage.article.get_absolute_url()

    def description(self, coverage):
        return escape(coverage.article.standfirst)

    def item_title(self, entry: ShownEntry):
        return escape(entry.summary)

    def item_description(self, entry: ShownEntry):
        return entry.body_html  # rendered and cleaned when saved, as an article's body

    def item_link(self, entry: ShownEntry):
        # The first page's anchor: where a new entry is; an older one is still found there by its time.
        return page_url(self._article_url, 1, entry.anchor)

    def item_guid(self, entry: ShownEntry):
        return f"{self._article_url}#{entry.anchor}"

    item_guid_is_permalink = False

    def item_pubdate(self, entry: ShownEntry):
        return entry.published_at

    def item_updateddate(self, entry: ShownEntry):
        return entry.edited_at

    def item_author_name(self, entry: ShownEntry):
        return escape(entry.author)
