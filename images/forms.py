"""The form journalists fill in to add an image to the library or replace its file."""

import errno
import logging
import re
import uuid
from datetime import timedelta

from django import forms
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import MISSING_ALT_TEXT, Image, save_whole_file
from .processing import ProcessedImage, process_upload

logger = logging.getLogger(__name__)

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


# A file sent with a form refused for another reason (a missing alt text…) waits here, already
# checked and stripped of its metadata, so that the journalist does not have to choose it again.
KEPT_UPLOADS_DIR = "images/kept"
KEPT_UPLOAD_LIFETIME = timedelta(days=1)
_KEPT_UPLOAD_SALT = "images.forms.kept-upload"


def _kept_storage():
    return Image._meta.get_field("file").storage


def keep_upload(processed: ProcessedImage, original_name: str) -> str:
    """Store the checked master of a refused form's file; the signed token the form carries to find it again."""
    storage = _kept_storage()
    forget_old_kept_uploads(storage)
    stored = save_whole_file(
        storage,
        f"{KEPT_UPLOADS_DIR}/{uuid.uuid4().hex}.{processed.master.extension}",
        ContentFile(processed.master.content),
    )
    return signing.dumps({"path": stored, "name": original_name[:200]}, salt=_KEPT_UPLOAD_SALT, compress=True)


def kept_upload(token: str) -> tuple[str, SimpleUploadedFile] | None:
    """The file a token names, as if uploaded again, with its stored path; None if forged, expired or gone."""
    try:
        kept = signing.loads(token, salt=_KEPT_UPLOAD_SALT, max_age=KEPT_UPLOAD_LIFETIME)
        path, name = kept["path"], kept["name"]
    except (signing.BadSignature, TypeError, KeyError):
        return None
    storage = _kept_storage()
    if not path.startswith(f"{KEPT_UPLOADS_DIR}/") or not storage.exists(path):
        return None
    with storage.open(path, "rb") as stored:
        return path, SimpleUploadedFile(name, stored.read())


def forget_old_kept_uploads(storage) -> None:
    """Delete the kept files nobody came back for."""
    try:
        _folders, names = storage.listdir(KEPT_UPLOADS_DIR)
    except FileNotFoundError:
        return
    too_old = timezone.now() - KEPT_UPLOAD_LIFETIME
    for name in names:
        path = f"{KEPT_UPLOADS_DIR}/{name}"
        try:
            if storage.get_modified_time(path) < too_old:
                storage.delete(path)
        except FileNotFoundError:
            continue  # swept meanwhile by another request


DISK_FULL = gettext_lazy(
    "Le disque du serveur est plein : l’image n’a pas été enregistrée. "
    "Vos textes sont conservés ; prévenez l’administrateur du site, puis envoyez à nouveau le fichier."
)
STORAGE_UNAVAILABLE = gettext_lazy(
    "Le fichier n’a pas pu être enregistré : le stockage des images est indisponible. "
    "Vos textes sont conservés ; réessayez dans un moment ou prévenez l’administrateur du site."
)
# A full disk, or the site's share of it (a quota): only the administrator can make room.
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


def storage_error_message(error: OSError):
    """What the journalist is told when the storage refuses an upload's files."""
    return DISK_FULL if error.errno in _NO_SPACE else STORAGE_UNAVAILABLE


class ImageForm(forms.ModelForm):
    """Checks and processes the uploaded file while the form is validated.

    A refused file gets its French message next to the field, and nothing is
    written to the image library before the whole form is valid and saved. A good
    file in a form refused for another reason is kept (``keep_upload``): the form
    comes back saying so, and is sent again without choosing the file a second time.
    """

    kept_upload = forms.CharField(label=gettext_lazy("fichier gardé"), required=False, widget=forms.HiddenInput)

    processed: ProcessedImage | None = None
    files_written = False  # by full_clean, before the database is written
    kept_name = ""  # the kept file's original name, shown next to the field
    kept_path = None

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit"]
        # The file is checked by process_upload(), not by Django's ImageField, whose
        # generic « image valide » message would hide ours.
        field_classes = {"file": forms.FileField}
        error_messages = {"alt_text": {"required": MISSING_ALT_TEXT}}

    def __init__(self, *args, keep_refused_upload: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # False where the page keeps the chosen file itself (the picker's script posts with fetch).
        self.keep_refused_upload = keep_refused_upload
        if "file" in self.fields:
            self.fields["file"].max_length = None  # the upload's name is not kept, whatever its length
            self.fields["file"].widget.attrs["accept"] = ACCEPTED_TYPES
        if "caption" in self.fields:
            self.fields["caption"].widget.attrs["rows"] = 3
        if self.is_bound and "file" in self.fields and not self.files.get(self.add_prefix("file")):
            found = kept_upload(self.data.get(self.add_prefix("kept_upload"), ""))
            if found is not None:
                self.kept_path, upload = found
                self.files = self.files.copy()
                self.files[self.add_prefix("file")] = upload
                self._show_kept(upload.name)

    def _show_kept(self, name: str) -> None:
        self.kept_name = name
        note = _("Le fichier « %(name)s » est gardé : inutile de le choisir à nouveau, sauf pour le remplacer.")
        # A bound field copies its help text when first made: set both.
        # Help texts are shown as HTML by the admin: the file's name is the sender's, escape it.
        shown = mark_safe(note % {"name": escape(name)})
        self.fields["file"].help_text = self["file"].help_text = shown

    def full_clean(self):
        super().full_clean()
        upload = self.files.get(self.add_prefix("file")) if self.is_bound else None
        if not self._errors and self.processed is not None:
            # The files are written now, while the form can still say so next to the field: a disk
            # full or read-only would otherwise be a 500 at save time, the typed texts lost.
            self.instance.attach(self.processed)
            try:
                self.instance.write_files()
            except OSError as error:
                logger.exception("Image storage refused an upload")
                self.add_error("file", storage_error_message(error))
                return
            self.files_written = True
        if (
            self.keep_refused_upload
            and self._errors
            and self.processed is not None
            and "file" not in self._errors
            and self.kept_path is None
        ):
            try:
                kept = keep_upload(self.processed, upload.name)
            except OSError:
                logger.exception("Image storage could not keep a refused form's upload")
                return  # the form says what is wrong; the file will have to be chosen again
            self.data = self.data.copy()
            self.data[self.add_prefix("kept_upload")] = kept
            self._show_kept(upload.name)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not isinstance(upload, UploadedFile):
            return upload  # no new file: the image keeps its own
        self.processed = process_upload(upload)
        return self.processed.master_file()

    def save(self, commit=True):
        if self.processed is not None and not self.files_written:
            self.instance.attach(self.processed)
        if self.kept_path is not None:
            storage, path = _kept_storage(), self.kept_path
            transaction.on_commit(lambda: storage.delete(path))
        return super().save(commit)
