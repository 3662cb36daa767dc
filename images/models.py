"""The newsroom's image library: pictures with their alt text, caption and credit, ready for every screen."""

import contextlib
import os
import posixpath
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .processing import EncodedPicture, ProcessedImage

RENDITIONS_DIR = "images/renditions"
# The largest fallback the <img src> points to, for browsers that ignore srcset.
FALLBACK_MAX_WIDTH = 1200
MISSING_ALT_TEXT = _("Décrivez l’image pour les personnes qui ne la voient pas.")


class Image(models.Model):
    """A picture of the library, reused by articles with its alt text, caption and credit.

    The uploaded file is never stored as is: ``images.processing`` re-encodes it
    without metadata and makes its renditions (several widths, each in WebP and
    in JPEG, or PNG for transparent images) once, when the image is saved.
    ``renditions`` describes them, so that pages build ``srcset`` without a query.
    """

    file = models.ImageField(
        _("fichier"),
        upload_to="images/originals/",
        help_text=_("JPEG, PNG, WebP ou GIF. La position GPS et les autres métadonnées sont retirées."),
    )
    alt_text = models.CharField(
        _("texte alternatif"),
        max_length=250,
        error_messages={"blank": MISSING_ALT_TEXT},
        help_text=_(
            "Décrit l’image pour les personnes qui ne la voient pas (lecteur d’écran, image non chargée) : "
            "ce qu’elle montre d’utile à l’article, sans commencer par « Photo de »."
        ),
    )
    caption = models.TextField(
        _("légende"), blank=True, help_text=_("Affichée sous l’image ; un article peut la remplacer par la sienne.")
    )
    credit = models.CharField(
        _("crédit"), max_length=150, blank=True, help_text=_("Par exemple « Photo : Jeanne Martin ».")
    )
    width = models.PositiveIntegerField(_("largeur"), editable=False, help_text=_("En pixels, image redressée."))
    height = models.PositiveIntegerField(_("hauteur"), editable=False, help_text=_("En pixels, image redressée."))
    renditions = models.JSONField(
        _("déclinaisons"),
        default=list,
        editable=False,
        help_text="[{width, height, format, name}], written by save() from the processed upload.",
    )
    created_at = models.DateTimeField(_("ajoutée le"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ajoutée par"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        # Never the file name: it is meaningless, or says more than the newsroom wants.
        return self.alt_text

    def save(self, *args, **kwargs):
        """Write the files of an attached upload, then delete those it replaced once the database has moved on."""
        previous_names = self._previous_file_names()
        try:
            self._write_pending_files()
            super().save(*args, **kwargs)
        except Exception:
            delete_stored_files(self.file.storage, self._unsaved_file_names(previous_names))
            raise
        replaced = previous_names - self.file_names()
        if replaced:
            storage = self.file.storage
            # After the commit: until then, the database still points at them.
            transaction.on_commit(lambda: delete_stored_files(storage, replaced))
        self._saved_file_names = self.file_names()

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        # Remembered so that save() can delete the files a new upload replaces (not
        # when deferred: reading them here would cost a query per image).
        if not {"file", "renditions"} & instance.get_deferred_fields():
            instance._saved_file_names = instance.file_names()
        return instance

    # Files --------------------------------------------------------------------------

    def attach(self, processed: ProcessedImage) -> None:
        """Use a freshly processed upload; its files are written by the next save(), which drops the old ones."""
        self.file = processed.master_file()
        self.width, self.height = processed.width, processed.height
        self.renditions = []
        self._pending = processed

    def write_files(self) -> None:
        """Write an attached upload's files now, before any database write (a form checking that the
        storage takes them). On a storage error, every file written so far is removed and it raises."""
        previous_names = self._previous_file_names()
        try:
            self._write_pending_files()
        except Exception:
            delete_stored_files(self.file.storage, self._unsaved_file_names(previous_names))
            raise

    def _previous_file_names(self) -> set[str]:
        """The files the database points at before this save."""
        if hasattr(self, "_saved_file_names"):
            return self._saved_file_names
        if self._state.adding:
            return set()
        saved = type(self)._base_manager.filter(pk=self.pk).only("file", "renditions").first()
        return saved.file_names() if saved else set()

    def _write_pending_files(self) -> None:
        """Write an attached upload's renditions, then its master, one at a time, so that a failure
        halfway knows which files to remove (``_unsaved_file_names``)."""
        processed = getattr(self, "_pending", None)
        if processed is None:
            return
        self._pending = None
        self.renditions = []
        for rendition in processed.renditions:
            self.renditions.append(self._write_rendition(processed.key, rendition))
        # Written here rather than by the FileField's pre_save, which would leave a master cut short behind.
        field = self._meta.get_field("file")
        name = field.generate_filename(self, f"{processed.key}.{processed.master.extension}")
        self.file = save_whole_file(self.file.storage, name, ContentFile(processed.master.content), field.max_length)

    def _write_rendition(self, key: str, rendition: EncodedPicture) -> dict:
        name = f"{RENDITIONS_DIR}/{key}/{rendition.width}.{rendition.extension}"
        stored_name = save_whole_file(self.file.storage, name, ContentFile(rendition.content))
        return {"width": rendition.width, "height": rendition.height, "format": rendition.format, "name": stored_name}

    def _unsaved_file_names(self, previous_names: set[str]) -> set[str]:
        """Files written for this save that the database does not know about."""
        names = {rendition["name"] for rendition in self.renditions}
        if self.file and self.file._committed:
            names.add(self.file.name)
        return names - previous_names

    def file_names(self) -> set[str]:
        """Storage names of every file this image uses: its master and its renditions."""
        names = {rendition["name"] for rendition in self.renditions}
        if self.file.name:
            names.add(self.file.name)
        return names

    # What templates use, read from the stored JSON without any query ------------------

    @property
    def has_transparency(self) -> bool:
        return any(rendition["format"] == "png" for rendition in self.renditions)

    @property
    def fallback_format(self) -> str:
        """The format for browsers without WebP: PNG keeps transparency, JPEG is lighter for photos."""
        return "png" if self.has_transparency else "jpeg"

    def renditions_in(self, image_format: str) -> list[dict]:
        """The renditions in one format, narrowest first."""
        return sorted(
            (rendition for rendition in self.renditions if rendition["format"] == image_format),
            key=lambda rendition: rendition["width"],
        )

    def srcset(self, image_format: str) -> str:
        """« /media/…/480.webp 480w, /media/…/800.webp 800w… » for a <source> or an <img>."""
        storage = self.file.storage
        return ", ".join(
            f"{storage.url(rendition['name'])} {rendition['width']}w" for rendition in self.renditions_in(image_format)
        )

    @property
    def fallback_url(self) -> str:
        """The widest fallback rendition up to 1200 px, for the <img src> (the master if none exists)."""
        fallbacks = self.renditions_in(self.fallback_format)
        if not fallbacks:
            return self.file.url if self.file else ""
        fitting = [rendition for rendition in fallbacks if rendition["width"] <= FALLBACK_MAX_WIDTH]
        return self.file.storage.url((fitting[-1] if fitting else fallbacks[0])["name"])

    @property
    def thumbnail(self) -> dict | None:
        """The smallest rendition (WebP), for lists and pickers in the admin."""
        smallest = self.renditions_in("webp")[:1] or self.renditions_in(self.fallback_format)[:1]
        return {**smallest[0], "url": self.file.storage.url(smallest[0]["name"])} if smallest else None


def save_whole_file(storage: Storage, name: str, content, max_length: int | None = None) -> str:
    """Write a new file and return its stored name; a write cut short leaves nothing behind.

    Django's FileSystemStorage keeps whatever part of a file it wrote before an error (a disk
    full, ENOSPC, fails in the middle of a write): that part is deleted here, then the error goes
    on. The name is settled first, so that the part written is known; names here hold a fresh
    random key, so no other request writes the same one meanwhile.
    """
    name = storage.get_available_name(name, max_length=max_length)
    try:
        return storage.save(name, content, max_length=max_length)
    except Exception:
        with contextlib.suppress(OSError):  # the storage's own error is the one to tell
            delete_stored_files(storage, [name])
        raise


def delete_stored_files(storage: Storage, names: Iterable[str]) -> None:
    """Delete files from the storage, then the rendition folders they leave empty."""
    folders = set()
    for name in names:
        storage.delete(name)
        if name.startswith(f"{RENDITIONS_DIR}/"):
            folders.add(posixpath.dirname(name))
    for folder in folders:
        remove_empty_folder(storage, folder)


def remove_empty_folder(storage: Storage, folder: str) -> None:
    """Remove a folder left empty; object storages have no folders, and a non-empty one stays."""
    with contextlib.suppress(NotImplementedError, OSError):
        os.rmdir(storage.path(folder))


def stores_local_files(storage: Storage) -> bool:
    """Whether the storage keeps its files on this machine's disk (not an object storage such as S3)."""
    try:
        storage.path("")
    except NotImplementedError:
        return False
    return True
