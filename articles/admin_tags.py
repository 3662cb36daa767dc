"""Topic tags in the admin, in the desk's words: their own pages, and the article form's tags field.

Taggit's admin lists its generic tagged items, which our articles do not use (they have their
own link table, ``TaggedArticle``), and merges tags through them only: ours shows how many
articles each tag has and leaves merging out. Its French names (« Mots-clés », « Nom »,
« Adresse ») come from the project's catalogue (locale/fr), which Django reads before taggit's.

On the article form, a typed tag becomes the existing one of the same topic (« #numérique » →
« Numérique », ``articles.tags.tag_key``) when saved, with or without JavaScript
(``FoldedTagsFormMixin``); while typing, static/articles/admin/tags.js offers the existing tags
from ``…/article/tags/?q=`` (``TagAutocompleteMixin``) before « Créer « … » ».
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from common.admin_titles import FrenchTitlesMixin, Names

from .tags import existing_names, matching_tags

# Longer than any tag name (taggit's column holds 100 characters).
MAX_TYPED_LENGTH = 200

if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("un mot-clé"), _("le mot-clé"))
    list_display = ["name", "slug", "article_count"]
    ordering = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles_taggedarticle_items"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, tag):
        return tag.article_count


class FoldedTagsFormMixin:
    """For the article form: the tags typed, as the existing tags of the same topics."""

    def clean_tags(self):
        return existing_names(self.cleaned_data.get("tags") or [])


class TagAutocompleteMixin:
    """For ArticleAdmin: the tags to offer for what is being typed in the tags field, as JSON."""

    def get_urls(self):
        tags = path("tags/", self.admin_site.admin_view(self.tag_autocomplete_view), name="articles_article_tags")
        return [tags, *super().get_urls()]

    def tag_autocomplete_view(self, request):
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        names, exists = matching_tags(request.GET.get("q", "")[:MAX_TYPED_LENGTH])
        # admin_view already marks the answer never to be cached.
        return JsonResponse({"tags": names, "exists": exists})
