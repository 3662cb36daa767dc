"""« Pages » in the admin: editors write and publish them with the articles' editor; journalists read them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.body import plain_text
from articles.people import public_name
from common.admin_titles import FrenchTitlesMixin, Names

from .models import Page, PageRevision


@admin.register(Page)
class PageAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("une page"), _("la page"))
    list_display = ["title", "parent", "status", "show_in_footer", "footer_position", "updated_at"]
    list_editable = ["footer_position"]
    list_filter = ["status", "show_in_footer"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent"]
    readonly_fields = ["site_links", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "parent", "body"]}),
        (_("Publication"), {"fields": ["status", "site_links", "updated_at"]}),
        (_("Pied de page"), {"fields": ["show_in_footer", "footer_position"]}),
    ]

    @property
    def media(self):
        # The editor's buttons and dialogs in French, drawn as in the article form.
        return super().media + forms.Media(
            js=[reverse("prose_editor_jsi18n")], css={"all": ["articles/editor/editor.css"]}
        )

    def save_model(self, request, obj, form, change):
        obj.save(by=request.user)  # keeps a version (PageRevision) when the title or text changed

    @admin.display(description=_("sur le site"))
    def site_links(self, page):
        if not page.pk:
            return _("Enregistrez la page pour pouvoir la prévisualiser.")
        preview = format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', page.get_preview_url(), _("Aperçu"))
        if page.is_published:
            public = format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>', page.get_absolute_url(), _("Voir sur le site")
            )
            return format_html("{} · {}", public, preview)
        return format_html("{} — {}", preview, _("brouillon : les lecteurs ne voient pas cette page"))

    def view_on_site(self, page):
        return page.get_absolute_url() if page.is_published else None

    # Versions ------------------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/history/<int:number>/restore/", wrap(self.restore_view), name="pages_page_restore"),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        """The page's versions, newest first, each with its text and « Restaurer »."""
        page = get_object_or_404(Page, pk=object_id)
        if not self.has_view_or_change_permission(request, page):
            raise PermissionDenied
        revisions = list(page.revisions.select_related("author"))
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": _("Versions de la page"),
            "subtitle": page.title,
            "opts": self.opts,
            "object": page,
            "has_change_permission": self.has_change_permission(request, page),
            "rows": [
                {
                    "revision": revision,
                    "by": public_name(revision.author),
                    "excerpt": plain_text(revision.body),
                    "is_latest": index == 0,
                }
                for index, revision in enumerate(revisions)
            ],
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/pages/page/object_history.html", context)

    def restore_view(self, request, object_id, number):
        """Bring back a version's title and text as a new version (POST from the versions page)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        page = get_object_or_404(Page, pk=object_id)
        if not self.has_change_permission(request, page):
            raise PermissionDenied
        revision = get_object_or_404(PageRevision, page=page, number=number)
        page.restore(revision, by=request.user)
        messages.success(
            request,
            _("Version %(old)d restaurée : elle devient la version %(new)d.")
            % {"old": revision.number, "new": page.revisions.order_by("-number").values_list("number", flat=True)[0]},
        )
        return HttpResponseRedirect(reverse("admin:pages_page_change", args=[page.pk]))
