"""Reader pages. Every one starts from ``Article.objects.published()``."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from comments.views import thread_context

from .models import Article, ArticleSlugRedirect, Personality, Section, Territory
from .navigation import menu_sections
from .seo import article_jsonld, main_image_url


class HomeView(TemplateView):
    """« À la une », then the latest articles of each section in menu order."""

    template_name = "articles/home.html"
    featured_count = 5

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Article.objects.published().for_listing()
        featured = list(published.featured()[: self.featured_count])
        # One query for every section: rank each section's articles by date and
        # keep the first few, instead of one query per section.
        latest = (
            published.exclude(pk__in=[article.pk for article in featured])
            .annotate(
                rank_in_section=Window(
                    RowNumber(), partition_by=F("section_id"), order_by=[F("published_at").desc(), F("pk").desc()]
                )
            )
            .filter(rank_in_section__lte=settings.HOME_ARTICLES_PER_SECTION)
        )
        by_section = {}
        for article in latest:
            by_section.setdefault(article.section_id, []).append(article)
        context["featured_articles"] = featured
        context["section_blocks"] = [
            (section, by_section[section.pk]) for section in menu_sections() if section.pk in by_section
        ]
        return context


class ArticleListView(ListView):
    """A paginated list of published articles about one thing (section, place, person, tag)."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    subject_context_name = "subject"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

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
        return context


class SectionView(ArticleListView):
    template_name = "articles/section.html"
    subject_context_name = "section"

    def get_subject(self):
        return get_object_or_404(Section, slug=self.kwargs["slug"])

    def filter_articles(self, articles):
        return articles.in_section(self.subject)

    def get_context_data(self, **kwargs):
        return super().get_context_data(current_section_slug=self.subject.slug, **kwargs)


class TerritoryView(ArticleListView):
    template_name = "articles/territory.html"
    subject_context_name = "territory"

    def get_subject(self):
        return get_object_or_404(Territory.objects.select_related("parent"), slug=self.kwargs["slug"])

    def filter_articles(self, articles):
        return articles.about_territory(self.subject)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["places_inside"] = Territory.objects.filter(
            Q(parent=self.subject) | Q(groupings=self.subject)
        ).distinct()
        return context


class PersonalityView(ArticleListView):
    template_name = "articles/personality.html"
    subject_context_name = "personality"

    def get_subject(self):
        return get_object_or_404(Personality, slug=self.kwargs["slug"])

    def filter_articles(self, articles):
        return articles.about_personality(self.subject)


class TagView(ArticleListView):
    template_name = "articles/tag.html"
    subject_context_name = "tag"

    def get_subject(self):
        # A tag only exists for readers once a published article carries it.
        tag = Tag.objects.filter(slug=self.kwargs["slug"]).first()
        if tag is None or not Article.objects.published().tagged(tag.slug).exists():
            raise Http404("Mot-clé inconnu")
        return tag

    def filter_articles(self, articles):
        return articles.tagged(self.subject.slug)


class ArticlePageMixin:
    """The article page, for readers and for the staff preview alike: text, then its comments."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_context_data(self, comment_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(thread_context(self.request, self.object, form=comment_form))
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        patch_vary_headers(response, ["Cookie"])
        if context.get("comments_personal"):
            # This browser's own held comments or saved details: never for anyone else.
            patch_cache_control(response, private=True, no_store=True)
        return response


class AuthorView(ArticleListView):
    """A journalist's articles: the page a byline and search engines link to. No email, ever."""

    template_name = "articles/author.html"
    subject_context_name = "author"

    def get_subject(self):
        author = get_user_model().objects.filter(pk=self.kwargs["pk"]).first()
        # Only people who signed a published article have a public page.
        if author is None or not Article.objects.published().filter(authors=author).exists():
            raise Http404("Auteur inconnu")
        return author

    def filter_articles(self, articles):
        return articles.filter(authors=self.subject)


class ArticleView(ArticlePageMixin, DetailView):
    def get_queryset(self):
        return Article.objects.published().for_reading()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            current_section_slug=self.object.section.slug,
            article_jsonld=article_jsonld(self.object, self.request),
            main_image_url=main_image_url(self.object, self.request),
            **kwargs,
        )

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
