"""The image library in the admin: upload, describe, find, and pick an image for an article's body."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin_titles import FrenchTitlesMixin, Names

from . import change_rules
from .forms import ImageForm, file_name_warning, typed_file_names
from .models import Image

THUMBNAIL_WIDTH = 96
PICKER_SIZE = 60
# A gallery being changed asks for all its images at once (articles allow 100 per gallery): a
# shorter answer would drop the rest from it.
PICKER_IDS = 500


class AltTextFilter(admin.SimpleListFilter):
    """Images still to describe: an import brings pictures nobody wrote an alt text for."""

    title = _("texte alternatif")
    parameter_name = "texte_alternatif"

    def lookups(self, request, model_admin):
        return [("manquant", _("manquant")), ("present", _("renseigné"))]

    def queryset(self, request, queryset):
        if self.value() == "manquant":
            return queryset.filter(alt_text="")
        if self.value() == "present":
            return queryset.exclude(alt_text="")
        return queryset


@admin.register(Image)
class ImageAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("une image"), _("l’image"))
    form = ImageForm
    list_display = ["thumbnail", "description", "credit", "dimensions", "created_at"]
    list_display_links = ["description"]
    list_filter = [AltTextFilter]
    search_fields = ["alt_text", "caption", "credit"]
    date_hierarchy = "created_at"
    readonly_fields = ["preview", "dimensions", "uploaded_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        # The rules of the apps above (``change_rules``): what readers see of an image is its articles'.
        if obj is not None and change_rules.reserved_to_editors(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["file", "kept_upload", "alt_text", "caption", "credit"]})]
        return [
            (None, {"fields": ["preview", "file", "kept_upload", "alt_text", "caption", "credit"]}),
            (_("Historique"), {"classes": ["collapse"], "fields": ["dimensions", "uploaded_by", "created_at"]}),
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        for name in typed_file_names(obj.caption):
            self.message_user(request, file_name_warning(name), messages.WARNING)

    @admin.display(description=_("aperçu"))
    def thumbnail(self, image):
        return thumbnail_tag(image, THUMBNAIL_WIDTH)

    @admin.display(description=_("aperçu"))
    def preview(self, image):
        return thumbnail_tag(image, 320)

    @admin.display(description=_("texte alternatif"), ordering="alt_text")
    def description(self, image):
        if image.alt_text:
            return image.alt_text
        return format_html('<strong class="errornote">{}</strong>', _("Texte alternatif manquant : à décrire"))

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
        ``CKEDITOR.tools.callFunction(CKEditorFuncNum, url, data)``. Journalists who may add
        images upload one right here (file, alt text, caption, credit): the new image is
        handed to the editor at once. The page's script posts the form with fetch() and gets
        JSON back, so a refused upload keeps the chosen file; without it, a normal POST
        shows the same messages next to the fields.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        can_add = self.has_add_permission(request)
        wants_json = request.headers.get("Accept", "").startswith("application/json")
        upload_form, added = None, None
        if can_add:
            upload_form = ImageForm(
                request.POST or None, request.FILES or None, prefix="upload", keep_refused_upload=not wants_json
            )
            if request.method == "POST" and upload_form.is_valid():
                added = upload_form.save(commit=False)
                added.uploaded_by = request.user
                added.save()
                self.log_addition(request, added, [{"added": {}}])
                if wants_json:
                    return JsonResponse({"image": picker_data(added)})
            elif request.method == "POST" and wants_json:
                errors = {
                    field: [error["message"] for error in field_errors]
                    for field, field_errors in upload_form.errors.get_json_data().items()
                }
                return JsonResponse({"errors": errors}, status=400)
        elif request.method == "POST":
            raise PermissionDenied
        query = request.GET.get("q", "").strip()
        images = self.get_queryset(request)
        if query:
            images, _duplicates = self.get_search_results(request, images, query)
        if wants_json:
            # The editor's in-page library (static/articles/editor/library.js): the latest images
            # or a search, or the images a gallery names (``ids``), in the order it names them.
            ids = [int(value) for value in request.GET.get("ids", "").replace(",", " ").split() if value.isdigit()]
            if ids:
                found = {image.pk: image for image in images.filter(pk__in=ids[:PICKER_IDS])}
                chosen = [found[pk] for pk in ids if pk in found]
            else:
                chosen = images.order_by("-created_at", "-pk")[:PICKER_SIZE]
            return JsonResponse(
                {
                    "images": [picker_data(image) for image in chosen],
                    "can_add": can_add,
                    # So that the editor refuses a file too heavy before sending it.
                    "max_bytes": settings.IMAGES_MAX_UPLOAD_BYTES,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Choisir une image"),
            "opts": self.opts,
            "is_popup": True,
            "query": query,
            "images": images[:PICKER_SIZE],
            "callback": request.GET.get("CKEditorFuncNum", ""),
            "can_add": can_add,
            "upload_form": upload_form,
            "added": picker_data(added) if added else None,
        }
        return TemplateResponse(request, "images/picker.html", context)


def picker_data(image: Image) -> dict:
    """What the editor receives about an image: its library id, address, alt text, caption, credit and thumbnail."""
    thumbnail = image.thumbnail
    return {
        "id": image.pk,
        "url": image.fallback_url,
        "alternative_text": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "thumbnail": {key: thumbnail[key] for key in ("url", "width", "height")} if thumbnail else None,
    }


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
