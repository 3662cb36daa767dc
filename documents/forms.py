"""The form journalists fill in to add a document, an audio or a video file to the library."""

import logging
from pathlib import PurePosixPath

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from images.forms import DISK_FULL as IMAGE_DISK_FULL
from images.forms import storage_error_message as image_storage_error_message

from .checks import EMPTY, CheckedUpload, check_upload
from .models import Document

logger = logging.getLogger(__name__)

# What the file chooser offers first; the bytes decide anyway (``checks``).
ACCEPTED_TYPES = ",".join(
    [
        ".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp",
        "audio/mpeg", "audio/mp4", "audio/aac", "audio/ogg", "audio/wav", "audio/flac", ".opus",
        "video/mp4", "video/quicktime", "video/webm",
    ]
)  # fmt: skip

DISK_FULL = _(
    "Le disque du serveur est plein : le fichier n’a pas été enregistré. "
    "Vos textes sont conservés ; prévenez l’administrateur du site, puis envoyez à nouveau le fichier."
)
STORAGE_UNAVAILABLE = _(
    "Le fichier n’a pas pu être enregistré : le stockage des documents est indisponible. "
    "Vos textes sont conservés ; réessayez dans un moment ou prévenez l’administrateur du site."
)


def storage_error_message(error: OSError):
    """The image library's reading of a storage error (a full disk or another failure), told of a document."""
    return DISK_FULL if image_storage_error_message(error) == IMAGE_DISK_FULL else STORAGE_UNAVAILABLE


def title_from_file_name(name: str) -> str:
    """« budget_primitif-2024.pdf » → « budget primitif 2024 »: a start the journalist may correct."""
    stem = PurePosixPath(name).stem.replace("_", " ").replace("-", " ")
    return " ".join(stem.split())[:200]


class DocumentForm(forms.ModelForm):
    """Checks the uploaded file while the form is validated, and writes it before the database.

    A refused file gets its French message next to the field. The title may be left empty:
    the file's name is used, so that no other field can send the chosen file back to be
    chosen again. A full disk is said next to the field, with nothing stored and the texts kept.
    """

    checked: CheckedUpload | None = None
    file_written = False

    class Meta:
        model = Document
        fields = ["file", "title", "description", "poster"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            self.fields["file"].max_length = None  # the upload's name is not kept, whatever its length
            self.fields["file"].widget.attrs["accept"] = ACCEPTED_TYPES
            self.fields["file"].error_messages["empty"] = EMPTY  # Django's own says nothing of what to do
        if "title" in self.fields:
            self.fields["title"].required = False
            self.fields["title"].help_text = _(
                "Ce que les lecteurs lisent, par exemple « Budget primitif 2024 » ; donne aussi son nom au fichier "
                "téléchargé. Laissé vide : le nom du fichier envoyé."
            )
        if "description" in self.fields:
            self.fields["description"].widget.attrs["rows"] = 6

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if isinstance(upload, UploadedFile):
            self.checked = check_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title"):
            upload = self.files.get(self.add_prefix("file"))
            if upload is not None and self.checked is not None:
                cleaned["title"] = title_from_file_name(upload.name) or self.checked.format.label
            elif self.instance.pk:
                cleaned["title"] = self.instance.title
            elif "file" not in self._errors:
                self.add_error("title", _("Donnez un titre au document."))
        poster = cleaned.get("poster")
        kind = self.checked.format.kind if self.checked else self.instance.kind
        if poster is not None and kind != "video":
            self.add_error("poster", _("Seule une vidéo a une image d’attente : laissez ce champ vide."))
        return cleaned

    def full_clean(self):
        super().full_clean()
        if self._errors or self.checked is None:
            return
        # The file is written now, while the form can still say so next to the field: a full disk
        # would otherwise be a 500 at save time, and the title and transcription typed, lost.
        self.instance.attach(self.checked)
        try:
            self.instance.write_file()
        except OSError as error:
            logger.exception("Document storage refused an upload")
            self.add_error("file", storage_error_message(error))
            return
        self.file_written = True
