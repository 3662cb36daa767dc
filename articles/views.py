"""Reader pages. Every one starts from ``Article.objects.published()``."""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

import pagecache
from comments.moderation import comments_close_at
from comments.views import forget_held_comments, thread_context

from . import caching
from .models import Article, ArticleSlugRedirect, Personality, Section, Territory
from .navigation import menu_sections
from .pagination import LookaheadPaginator
from .seo import article_jsonld, main_image_url


class HomeView(TemplateView):
    """« À la une », then the latest articles of each section in menu order."""

    template_name = "articles/home.html"
    featured_count = 5

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Article.objects.published().for_listing()
        featured = list(published.featured()[: self.featured_count])
        sections = menu_sections()
        # One query for every section, not one per section.
        latest = list(
            published.exclude(pk__in=[article.pk for article in featured]).latest_in_sections(
                [section.pk for section in sections], settings.HOME_ARTICLES_PER_SECTION
            )
        )
        by_section = {}
        for article in latest:
            by_section.setdefault(article.section_id, []).append(article)
        context["featured_articles"] = featured
        context["section_blocks"] = [
            (section, by_section[section.pk]) for section in sections if section.pk in by_section
        ]
        caching.tag_cards([*featured, *latest])
        pagecache.tag(caching.LATEST)
        return context


class ArticleListView(ListView):
    """A paginated list of published articles about one thing (section, place, person, tag)."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    subject_context_name = "subject"
    subject_kind = None  # its page-cache tags: see articles.caching
    paginator_class = LookaheadPaginator
    # A subject that exists for readers only through its published articles (a tag, an
    # author) answers 404 when its first page is empty: the page's own query finds out.
    empty_subject_is_404 = False

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_paginator(self, queryset, per_page, **kwargs):
        kwargs["allow_empty_first_page"] = not self.empty_subject_is_404
        return super().get_paginator(queryset, per_page, **kwargs)

    def get_subject(self):
        raise NotImplementedError

    def filter_articles(self, articles):
        raise NotImplementedError

    def get_queryset(self):
        self.subject = self.get_subject()
        return self.filter_articles(Article.objects.published().for_listing())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context[self.subject_context_name] = self.subject
        caching.tag_subject_page(self.subject_kind, self.subject)
        caching.tag_cards(context["object_list"])
        return context


class SectionView(ArticleListView):
    template_name = "articles/section.html"
    subject_context_name = "section"
    subject_kind = "section"

    def get_subject(self):
        return get_object_or_404(Section, slug=self.kwargs["slug"])

    def filter_articles(self, articles):
        return articles.in_section(self.subject)

    def get_context_data(self, **kwargs):
        return super().get_context_data(current_section_slug=self.subject.slug, **kwargs)


class TerritoryView(ArticleListView):
    template_name = "articles/territory.html"
    subject_context_name = "territory"
    subject_kind = "territory"

    def get_subject(self):
        territories = Territory.objects.select_related("parent").with_places_inside()
        return get_object_or_404(territories, slug=self.kwargs["slug"])

    def filter_articles(self, articles):
        return articles.about_territory(self.subject)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["places_inside"] = places_inside = list(
            Territory.objects.filter(Q(parent=self.subject) | Q(groupings=self.subject)).distinct()
        )
        named = [*places_inside, *([self.subject.parent] if self.subject.parent_id else [])]
        pagecache.tag(
            caching.places_tag(self.subject.pk), *(caching.subject_tag("territory", place.pk) for place in named)
        )
        return context


class PersonalityView(ArticleListView):
    template_name = "articles/personality.html"
    subject_context_name = "personality"
    subject_kind = "personality"

    def get_subject(self):
        return get_object_or_404(Personality, slug=self.kwargs["slug"])

    def filter_articles(self, articles):
        return articles.about_personality(self.subject)


class TagView(ArticleListView):
    template_name = "articles/tag.html"
    subject_context_name = "tag"
    subject_kind = "tag"
    # A tag only exists for readers once a published article carries it.
    empty_subject_is_404 = True

    def get_subject(self):
        return get_object_or_404(Tag, slug=self.kwargs["slug"])

    def filter_articles(self, articles):
        return articles.tagged(self.subject)


class ArticlePageMixin:
    """The article page, for readers and for the staff preview alike: text, then its comments."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_context_data(self, comment_form=None, **kwargs):
        # Stored when saved; rendered again here only once a scheduled article it links to appears.
        self.object.refresh_body_html_if_stale()
        context = super().get_context_data(**kwargs)
        context.update(thread_context(self.request, self.object, form=comment_form))
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        # No Vary: Cookie: the page is the same for every reader but those who carry our comment
        # cookies, and the page cache never stores nor serves theirs (see pagecache.core).
        if context.get("comments_personal"):
            # This browser's own held comments or saved details: never for anyone else.
            patch_cache_control(response, private=True, no_store=True)
        if context.get("held_cookie_spent"):
            forget_held_comments(response)
        return response


class AuthorView(ArticleListView):
    """A journalist's articles: the page a byline and search engines link to. No email, ever."""

    template_name = "articles/author.html"
    subject_context_name = "author"
    subject_kind = "author"
    # Only people who signed a published article have a public page.
    empty_subject_is_404 = True

    def get_subject(self):
        return get_object_or_404(get_user_model(), pk=self.kwargs["pk"])

    def filter_articles(self, articles):
        return articles.filter(authors=self.subject)


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
        # The page changes by itself when its comments close, and its form's token must stay usable.
        pagecache.cache_until(comments_close_at(self.object))
        # A link in the text to a scheduled article becomes a link at that article's time.
        pagecache.cache_until(self.object.body_html_expires_at)
        pagecache.cache_until(time.time() + settings.COMMENTS_FORM_MAX_AGE_SECONDS / 2)
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
