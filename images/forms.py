"""The form journalists fill in to add an image to the library or replace its file."""

from django import forms
from django.core.files.uploadedfile import UploadedFile

from .models import MISSING_ALT_TEXT, Image
from .processing import ProcessedImage, process_upload

ACCEPTED_TYPES = "image/jpeg,image/png,image/webp,image/gif"


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
