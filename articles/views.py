"""Reader pages. Every one starts from ``Article.objects.published()``."""

from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView

import pagecache

from . import archives, caching, embeds, frontpage, page_parts
from .models import Article, ArticleSlugRedirect
from .navigation import menu_sections
from .pagination import LookaheadPaginator
from .seo import article_jsonld, main_image_url
from .subjects import Subject, listed_at_foot


class HomeView(TemplateView):
    """The top the editors composed (or « À la une »), then the latest articles of each section in menu order."""

    template_name = "articles/home.html"
    featured_count = 5

    def composed_articles(self, published) -> list[Article]:
        """The visible articles the editors put at the top, in their order (the preview gives its own)."""
        return frontpage.composed_articles(published)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Article.objects.published().for_listing()
        composed = self.composed_articles(published)
        wanted = settings.FRONT_PAGE_SLOTS if composed else self.featured_count
        featured = frontpage.top_articles(published, composed, wanted)
        sections = menu_sections()
        # One query for every section, not one per section.
        latest = list(
            published.exclude(pk__in=[article.pk for article in featured]).latest_in_sections(
                [section.pk for section in sections], settings.HOME_ARTICLES_PER_SECTION
            )
        )
        if composed:  # a composed top that fell short is completed, never left with a hole
            moved_up = frontpage.fill_from_latest(featured, latest, wanted)
            latest = [article for article in latest if article not in moved_up]
        by_section = {}
        for article in latest:
            by_section.setdefault(article.section_id, []).append(article)
        context["featured_articles"] = featured
        context["section_blocks"] = [
            (section, by_section[section.pk]) for section in sections if section.pk in by_section
        ]
        caching.tag_cards([*featured, *latest])
        pagecache.tag(caching.LATEST, frontpage.FRONT_PAGE_TAG)
        return context


class SubjectArticlesView(ListView):
    """The page of one subject (a section, a place, a person, a tag, an author): its published articles, paginated.

    ``subject`` is its declaration (articles.subjects); the template is ``articles/<kind>.html``,
    where the subject itself is named ``<kind>`` (and ``subject``).
    """

    subject: Subject = None
    context_object_name = "articles"
    paginator_class = LookaheadPaginator

    def get_template_names(self):
        return [f"articles/{self.subject.kind}.html"]

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_paginator(self, queryset, per_page, **kwargs):
        # A subject that exists for readers only through its published articles (a tag, an
        # author) answers 404 when its first page is empty: the page's own query finds out.
        kwargs["allow_empty_first_page"] = not self.subject.exists_through_articles
        return super().get_paginator(queryset, per_page, **kwargs)

    def get_queryset(self):
        self.object = self.subject.get_object(**self.kwargs)
        return self.subject.articles_about(Article.objects.published().for_listing(), self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.subject.page_context(self.object))
        context["subject"] = context[self.subject.kind] = self.object
        context["feed_url"] = self.subject.feed_url(self.object)
        caching.tag_subject_page(self.subject, self.object, context)
        caching.tag_cards(context["object_list"])
        number = context["page_obj"].number
        pagecache.canonical_query(page=number if number > 1 else None)  # as the page's links write it
        return context


class ArchiveView(ListView):
    """« Archives de mai 2024 »: the published articles of a year, a month or a day, newest first,
    with the nearest periods that have some and, for a year, its months that have some.

    An impossible date (``/archives/2024/13/``) and a period without a published article are
    404s: no address lists nothing.
    """

    template_name = "articles/archive.html"
    context_object_name = "articles"
    paginator_class = LookaheadPaginator

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(queryset, per_page, **{**kwargs, "allow_empty_first_page": False})

    def get_queryset(self):
        self.period = archives.period_or_none(**self.kwargs)
        if self.period is None:
            raise Http404("no such date")
        return archives.articles_in(self.period)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        around = archives.surroundings(self.period, context["object_list"][0])
        context.update(period=self.period, previous_period=around.previous, next_period=around.next)
        context["months"] = around.months
        caching.tag_archive_page(self.period, around.previous, around.next)
        caching.tag_cards(context["object_list"])
        number = context["page_obj"].number
        pagecache.canonical_query(page=number if number > 1 else None)  # as the page's links write it
        return context


class ArticlePageMixin:
    """The article page, for readers and for the staff preview alike: text, then the parts other
    apps add below it (``articles.page_parts``: the comments)."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"
    # Arguments for the page's parts, by part name: how a view shows, say, a refused comment again.
    part_kwargs: dict = {}

    def get_context_data(self, **kwargs):
        # Stored when saved; rendered again here only once a scheduled article it links to appears.
        self.object.refresh_body_html_if_stale()
        context = super().get_context_data(**kwargs)
        parts = page_parts.registered()
        for part in parts:
            context.update(part.get_context(self.request, self.object, **self.part_kwargs.get(part.name, {})))
        context["page_part_templates"] = [part.template_name for part in parts if part.template_name]
        context["page_part_head_templates"] = [part.head_template_name for part in parts if part.head_template_name]
        context["subjects_at_foot"] = listed_at_foot(self.object)
        # Read from the rendered body, loaded with the article: no query, whatever the number of embeds.
        context["embed_providers"] = embeds.framed_providers_in(self.object.body_html)
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        # The page that shows embeds opens frame-src to their providers, and only that page. Set as a
        # header of the view's own, so the page cache keeps it with the page (pagecache.middleware).
        if policy := embeds.frame_policy(context.get("embed_providers", ())):
            response.headers["Content-Security-Policy"] = policy
        for part in page_parts.registered():
            part.finish_response(self.request, response, context)
        return response


class ArticleView(ArticlePageMixin, DetailView):
    def get_queryset(self):
        return Article.objects.published().for_reading()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            current_section_slug=self.object.section.slug,
            article_jsonld=article_jsonld(self.object, self.request),
            main_image_url=main_image_url(self.object, self.request),
            **kwargs,
        )
        caching.tag_article_page(self.object)
        # A link in the text to a scheduled article becomes a link at that article's time.
        pagecache.cache_until(self.object.body_html_expires_at)
        for part in page_parts.registered():
            pagecache.cache_until(part.cache_until(self.object))
        return context

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A published article renamed since: its old address follows it, forever.
            former = ArticleSlugRedirect.objects.filter(old_slug=self.kwargs["slug"]).select_related("article").first()
            if former and former.article.is_visible:
                return redirect(former.article, permanent=True)
            raise


@method_decorator(never_cache, name="dispatch")
class ArticlePreviewView(PermissionRequiredMixin, ArticlePageMixin, DetailView):
    """The article exactly as readers will see it, whatever its status: staff only, never cached."""

    permission_required = "articles.view_article"

    def get_queryset(self):
        return Article.objects.for_reading()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = True
        return context
