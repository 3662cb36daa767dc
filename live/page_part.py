"""The live on its article's page, for readers: plugged into ``articles.page_parts`` by ``LiveConfig.ready()``.

A live article's page shows « EN DIRECT » (or « Ce direct est terminé »), the « Temps forts »
summary, then its entries, pinned first and then newest first, a page at a time: without
JavaScript a reader gets the same entries on reload, and a live of a thousand entries weighs what
a live of twenty does. With JavaScript, ``static/articles/body.js`` (« Live coverage ») asks the live's one shared
address (``live:entries``, in ``views``) for what changed.

What the part costs, whatever the number of entries: nothing on an article that is not live (whether
it is comes with the article's own query, ``loaded_with_article``), two queries on a live's: the ids
of its shown entries in the page's order (which gives the pages and where each key moment is), then
the entries of the page and the key moments, by id.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from html import unescape

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

import pagecache
from articles import embeds
from articles.page_parts import ArticlePagePart
from articles.people import public_name
from articles.typography import clock
from common.inputs import plain_number

from .caching import live_tag
from .models import LiveCoverage, LiveEntry
from .seo import live_jsonld

PAGE_PARAMETER = "page"
# What an entry's card and its line in the summary read: never the stored body, never the author's email.
ENTRY_FIELDS = (
    "pk",
    "coverage_id",
    "body_html",
    "published_at",
    "edited_at",
    "is_pinned",
    "is_key_moment",
    "author__first_name",
    "author__last_name",
    "author__username",
)
# Words of an entry's text that the « Temps forts » summary shows.
SUMMARY_WORDS = 16


def moment(value: datetime) -> str:
    """« 14 h 32 », in the site's time zone."""
    local = timezone.localtime(value)
    return clock(local.hour, local.minute)


@dataclass(frozen=True)
class ShownEntry:
    """An entry as readers get it, on the page and at the shared address alike."""

    pk: int
    anchor: str
    body_html: str
    published_at: datetime
    time: str
    edited_at: datetime | None
    edited_time: str
    author: str
    is_pinned: bool
    is_key_moment: bool

    @property
    def version(self) -> str:
        """Changes whenever what readers see of the entry does: a reader's page replaces it then."""
        edited = int(self.edited_at.timestamp() * 1000) if self.edited_at else 0
        return f"{edited}-{int(self.is_pinned)}{int(self.is_key_moment)}"

    @property
    def text(self) -> str:
        """The entry's words without markup, as plain text (« &lt; » back to « < »): escaped where shown."""
        return " ".join(unescape(strip_tags(self.body_html)).split())

    @property
    def summary(self) -> str:
        return Truncator(self.text).words(SUMMARY_WORDS)


def shown_entry(entry: LiveEntry) -> ShownEntry:
    return ShownEntry(
        pk=entry.pk,
        anchor=f"entree-{entry.pk}",
        body_html=entry.body_html,
        published_at=entry.published_at,
        time=moment(entry.published_at),
        edited_at=entry.edited_at,
        edited_time=moment(entry.edited_at) if entry.edited_at else "",
        # public_name: a name of their own or « La rédaction », never a login or an email.
        author=public_name(entry.author, missing=_("La rédaction")),
        is_pinned=entry.is_pinned,
        is_key_moment=entry.is_key_moment,
    )


def for_display(entries) -> list[ShownEntry]:
    """These entries (a queryset), with their authors' names: one query."""
    return [shown_entry(entry) for entry in entries.select_related("author").only(*ENTRY_FIELDS)]


def entries_by_id(pks) -> dict[int, ShownEntry]:
    """The entries of these ids, with their authors' names: one query."""
    return {entry.pk: entry for entry in for_display(LiveEntry.objects.filter(pk__in=pks))}


def page_url(article_url: str, number: int, anchor: str = "") -> str:
    query = f"?{PAGE_PARAMETER}={number}" if number > 1 else ""
    return f"{article_url}{query}{'#' + anchor if anchor else ''}"


@dataclass(frozen=True)
class LivePage:
    """One page of a live's entries, the « Temps forts » summary and the links to the other pages."""

    coverage: LiveCoverage
    number: int
    page_count: int
    entries: list[ShownEntry]
    key_moments: list[tuple[ShownEntry, str]]  # each with its address (its page's, then its anchor)
    newer_url: str
    older_url: str
    entries_url: str
    feed_url: str
    poll_seconds: int

    @property
    def polls(self) -> bool:
        """Whether the page asks for new entries: the first page of a live under way."""
        return self.coverage.is_ongoing and self.number == 1


def live_page(coverage: LiveCoverage, article, number: int) -> LivePage:
    """Page ``number`` of the live's entries; Http404 past the last one."""
    per_page = settings.LIVE_ENTRIES_PER_PAGE
    # Every shown entry's id in the page's order, a few bytes each: the pages and the summary's addresses.
    order = list(LiveEntry.objects.filter(coverage=coverage).for_readers().values_list("pk", "is_key_moment"))
    page_count = max(1, math.ceil(len(order) / per_page))
    if number > page_count:
        raise Http404("no such page of entries")
    start = (number - 1) * per_page
    page_ids = [pk for pk, _key in order[start : start + per_page]]
    key_pages = {pk: index // per_page + 1 for index, (pk, key) in enumerate(order) if key}
    found = entries_by_id([*page_ids, *key_pages]) if order else {}
    article_url = article.get_absolute_url()
    key_moments = sorted((found[pk] for pk in key_pages if pk in found), key=lambda e: (e.published_at, e.pk))
    return LivePage(
        coverage=coverage,
        number=number,
        page_count=page_count,
        entries=[found[pk] for pk in page_ids if pk in found],
        key_moments=[
            (
                entry,
                page_url(article_url, key_pages[entry.pk], entry.anchor)
                if key_pages[entry.pk] != number
                else f"#{entry.anchor}",
            )
            for entry in key_moments
        ],
        newer_url=page_url(article_url, number - 1) if number > 1 else "",
        older_url=page_url(article_url, number + 1) if number < page_count else "",
        entries_url=reverse("live:entries", args=[coverage.pk]),
        feed_url=reverse("live:feed", args=[coverage.pk]),
        poll_seconds=settings.LIVE_POLL_SECONDS,
    )


class LivePart(ArticlePagePart):
    """The live on its article's page (nothing on other articles): registered by ``LiveConfig.ready()``."""

    name = "live"
    template_name = "live/part.html"
    head_template_name = "live/head.html"
    loaded_with_article = ("live",)

    def get_context(self, request, article, **part_kwargs) -> dict:
        if not article.pk:
            return {"live_page": None}
        try:
            coverage = article.live  # loaded with the article (loaded_with_article): no query of its own
        except ObjectDoesNotExist:
            return {"live_page": None}
        number = plain_number(request.GET.get(PAGE_PARAMETER)) or 1
        page = live_page(coverage, article, number)
        pagecache.tag(live_tag(coverage.pk))
        # ?page=2 is a page of its own; ?page=1, ?page=x show the first page, never kept as copies of it.
        pagecache.canonical_query(**{PAGE_PARAMETER: number if number > 1 else None})
        return {"live_page": page, "live_jsonld": live_jsonld(page, article, request)}

    def finish_response(self, request, response, context) -> None:
        """A live's page lets in the frames of its entries' embeds, as an article's page its body's.

        Under way, of every provider the site embeds: a poll may bring an entry showing any of them, and
        the policy is the page's, fixed when it loads. Ended, of those its article and this page show.
        """
        page = context.get("live_page")
        if page is None:
            return
        if page.coverage.is_ongoing:
            providers = embeds.PROVIDERS.values()
        else:
            shown = "".join(entry.body_html for entry in page.entries)
            providers = [*context.get("embed_providers", ()), *embeds.framed_providers_in(shown)]
        if policy := embeds.frame_policy(providers):
            response.headers["Content-Security-Policy"] = policy
