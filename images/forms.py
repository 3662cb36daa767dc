"""The form journalists fill in to add an image to the library or replace its file."""

import re

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .models import MISSING_ALT_TEXT, Image
from .processing import ProcessedImage, process_upload

ACCEPTED_TYPES = "image/jpeg,image/png,image/webp,image/gif"
# A camera's or a phone's file name typed as text (« IMG_1234.jpg », « FB_IMG_1468476316958.jpg »,
# « DSC_0001.JPG »): readers would see it in a caption or the body, where it means nothing to them.
TYPED_FILE_NAME = re.compile(r"(?<![\w/.-])[\w-]+\.(?:jpe?g|png|gif|webp|heic|heif|tiff?|bmp)\b", re.IGNORECASE)


def typed_file_names(text: str) -> list[str]:
    """The image file names written in ``text`` (plain text or HTML), each once, in order."""
    return list(dict.fromkeys(TYPED_FILE_NAME.findall(text or "")))


def file_name_warning(name: str) -> str:
    return _(
        "« %(name)s » ressemble à un nom de fichier d’image : les lecteurs le verront tel quel. "
        "Remplacez-le par une vraie légende ou retirez-le."
    ) % {"name": name}


class ImageForm(forms.ModelForm):
    """Checks and processes the uploaded file while the form is validated.

    A refused file gets its French message next to the field, and nothing is
    written to the storage before the whole form is valid and saved.
    """

    processed: ProcessedImage | None = None

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit"]
        # The file is checked by process_upload(), not by Django's ImageField, whose
        # generic « image valide » message would hide ours.
        field_classes = {"file": forms.FileField}
        error_messages = {"alt_text": {"required": MISSING_ALT_TEXT}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            self.fields["file"].max_length = None  # the upload's name is not kept, whatever its length
            self.fields["file"].widget.attrs["accept"] = ACCEPTED_TYPES
        if "caption" in self.fields:
            self.fields["caption"].widget.attrs["rows"] = 3

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not isinstance(upload, UploadedFile):
            return upload  # no new file: the image keeps its own
        self.processed = process_upload(upload)
        return self.processed.master_file()

    def save(self, commit=True):
        if self.processed is not None:
            self.instance.attach(self.processed)
        return super().save(commit)
