"""Topic tags in the admin, in the desk's words, replacing django-taggit's own admin.

Taggit's admin lists its generic tagged items, which our articles do not use (they have their
own link table, ``TaggedArticle``), and merges tags through them only: ours shows how many
articles each tag has and leaves merging out. Its French names (« Mots-clés », « Nom »,
« Adresse ») come from the project's catalogue (locale/fr), which Django reads before taggit's.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from common.admin_titles import FrenchTitlesMixin, Names

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
