"""The image library in the admin: upload, describe, find, and pick an image for an article's body."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin_titles import FrenchTitlesMixin, Names

from .forms import ImageForm
from .models import Image

THUMBNAIL_WIDTH = 96
PICKER_SIZE = 60


@admin.register(Image)
class ImageAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("une image"), _("l’image"))
    form = ImageForm
    list_display = ["thumbnail", "alt_text", "credit", "dimensions", "created_at"]
    list_display_links = ["alt_text"]
    search_fields = ["alt_text", "caption", "credit"]
    date_hierarchy = "created_at"
    readonly_fields = ["preview", "dimensions", "uploaded_by", "created_at"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["file", "alt_text", "caption", "credit"]})]
        return [
            (None, {"fields": ["preview", "file", "alt_text", "caption", "credit"]}),
            (_("Historique"), {"classes": ["collapse"], "fields": ["dimensions", "uploaded_by", "created_at"]}),
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("aperçu"))
    def thumbnail(self, image):
        return thumbnail_tag(image, THUMBNAIL_WIDTH)

    @admin.display(description=_("aperçu"))
    def preview(self, image):
        return thumbnail_tag(image, 320)

    @admin.display(description=_("dimensions"))
    def dimensions(self, image):
        return _("%(width)d × %(height)d px") % {"width": image.width, "height": image.height}

    # The picker the article editor opens to insert an image ---------------------------

    def get_urls(self):
        picker = path("choisir/", self.admin_site.admin_view(self.picker_view), name="images_image_picker")
        return [picker, *super().get_urls()]

    def picker_view(self, request):
        """A popup listing the library; choosing an image hands its id, URL, alt text and caption to the editor.

        It speaks the file-browser protocol the editor expects: the opener's
        ``CKEDITOR.tools.callFunction(CKEditorFuncNum, url, data)``.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()
        images = self.get_queryset(request)
        if query:
            images, _duplicates = self.get_search_results(request, images, query)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Choisir une image"),
            "opts": self.opts,
            "is_popup": True,
            "query": query,
            "images": images[:PICKER_SIZE],
            "callback": request.GET.get("CKEditorFuncNum", ""),
            "can_add": self.has_add_permission(request),
        }
        return TemplateResponse(request, "images/picker.html", context)


def thumbnail_tag(image: Image, width: int):
    """A small <img> of the image's smallest rendition, with its alt text."""
    thumbnail = image.thumbnail
    if thumbnail is None:
        return "—"
    height = max(1, round(thumbnail["height"] * width / thumbnail["width"]))
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy">',
        thumbnail["url"],
        image.alt_text,
        width,
        height,
    )
