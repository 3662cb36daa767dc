"""The document library in the admin: upload, describe, find; and its JSON for the article editor."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin_titles import FrenchTitlesMixin, Names

from .formats import Kind
from .forms import DocumentForm
from .models import Document
from .rendering import document_meta
from .sizes import human_size

LIBRARY_SIZE = 30


@admin.register(Document)
class DocumentAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("un document"), _("le document"))
    form = DocumentForm
    list_display = ["title", "file_format", "size_shown", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "description"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["poster"]
    readonly_fields = ["public_address", "file_format", "size_shown", "page_count", "uploaded_by", "created_at"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["file", "title", "description", "poster"]})]
        return [
            (None, {"fields": ["public_address", "file", "title", "description", "poster"]}),
            (
                _("Fichier et historique"),
                {
                    "classes": ["collapse"],
                    "fields": ["file_format", "size_shown", "page_count", "uploaded_by", "created_at"],
                },
            ),
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("poster")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("taille"), ordering="size")
    def size_shown(self, document):
        return human_size(document.size)

    @admin.display(description=_("adresse publique"))
    def public_address(self, document):
        url = document.get_absolute_url()
        return format_html('<a href="{}">{}</a> ({})', url, url, document_meta(document))

    # The editor's library: find or add a document without leaving the article ------------

    def get_urls(self):
        library = path("library/", self.admin_site.admin_view(self.library_view), name="documents_document_library")
        return [library, *super().get_urls()]

    @staticmethod
    def _errors(form) -> dict:
        return {
            field: [error["message"] for error in field_errors]
            for field, field_errors in form.errors.get_json_data().items()
        }

    def library_view(self, request):
        """JSON for the article editor's « Insérer un document » and its audio and video.

        GET ``?q=budget&kind=pdf`` (``kind``: pdf, office, audio, video, or media for both of
        the last two): the matching documents, newest first, ``{"documents": [{id, title, kind,
        meta, url}…]}``. POST (multipart, with the CSRF token): the upload form's fields
        (file, title, description, poster); ``{"document": {…}}`` with 201, or the French
        messages by field, ``{"errors": {"file": ["…"]}}`` with 400.
        """
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_add_permission(request):
                return JsonResponse(
                    {"errors": {"__all__": [str(_("Vous ne pouvez pas ajouter de document."))]}}, status=403
                )
            form = DocumentForm(request.POST, request.FILES)
            if not form.is_valid():
                return JsonResponse({"errors": self._errors(form)}, status=400)
            document = form.save(commit=False)
            document.uploaded_by = request.user
            document.save()
            self.log_addition(request, document, [{"added": {}}])
            return JsonResponse({"document": library_entry(document)}, status=201)
        documents = self.get_queryset(request)
        kind = request.GET.get("kind", "")
        documents = documents.media() if kind == "media" else documents.of_kind(kind)
        query = request.GET.get("q", "").strip()
        if query:
            documents, _duplicates = self.get_search_results(request, documents, query)
        return JsonResponse({"documents": [library_entry(document) for document in documents[:LIBRARY_SIZE]]})


def library_entry(document: Document) -> dict:
    """What the editor receives about a document: enough to link it or play it."""
    return {
        "id": document.pk,
        "title": document.title,
        "kind": document.kind,
        "kind_label": str(Kind(document.kind).label),
        "meta": document_meta(document),
        "url": document.get_absolute_url(),
    }
