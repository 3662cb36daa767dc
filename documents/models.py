"""The newsroom's document library: PDFs, office files, audio and video, each at a stable address."""

import uuid

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from images.models import delete_stored_files, save_whole_file

from .formats import FORMAT_CHOICES, FORMATS, MEDIA_KINDS, FileFormat, Kind

UPLOAD_DIR = "documents"


class DocumentQuerySet(models.QuerySet):
    def of_kind(self, kind: str):
        return self.filter(kind=kind) if kind in Kind.values else self

    def media(self):
        """What a body's audio or video figure may show."""
        return self.filter(kind__in=MEDIA_KINDS)


class Document(models.Model):
    """A file of the library that articles link to (PDF, office files) or play (audio, video).

    The kind and format are those the file's bytes show (``documents.checks``), never its
    name's or the browser's say. PDFs and office files are stored rewritten without their
    author's name and software; audio and video as sent. The file is stored under a random
    name; readers reach it at ``/documents/<id>/``, which stays when the file is replaced.
    """

    title = models.CharField(
        _("titre"),
        max_length=200,
        help_text=_(
            "Ce que les lecteurs lisent, par exemple « Budget primitif 2024 ». Donne aussi son nom au fichier."
        ),
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, editable=False)
    file_format = models.CharField(_("format"), max_length=10, choices=FORMAT_CHOICES, editable=False)
    file = models.FileField(
        _("fichier"),
        upload_to=f"{UPLOAD_DIR}/",
        max_length=200,
        help_text=_(
            "PDF, Word, Excel, PowerPoint, OpenDocument ; audio MP3, AAC, Ogg, Opus, WAV, FLAC ; vidéo MP4, MOV, WebM. "
            "L’auteur et le logiciel sont retirés des PDF et des fichiers bureautiques."
        ),
    )
    content_type = models.CharField(_("type de contenu"), max_length=100, editable=False)
    size = models.PositiveBigIntegerField(_("taille"), editable=False, help_text=_("En octets, fichier stocké."))
    page_count = models.PositiveIntegerField(_("nombre de pages"), null=True, blank=True, editable=False)
    description = models.TextField(
        _("transcription ou description"),
        blank=True,
        help_text=_(
            "Pour l’audio et la vidéo, la transcription (ou à défaut un résumé) : les personnes sourdes ou "
            "malentendantes la lisent, les moteurs de recherche aussi. Affichée sous le lecteur."
        ),
    )
    poster = models.ForeignKey(
        "images.Image",
        verbose_name=_("image d’attente"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Vidéo : l’image montrée avant la lecture, choisie dans la photothèque."),
    )
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ajouté par"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Write an attached upload, then drop the file it replaced once the database has moved on."""
        previous = self._previous_file_name()
        self.write_file()
        written = getattr(self, "_written_name", None)
        try:
            super().save(*args, **kwargs)
        except Exception:
            if written and written != previous:
                delete_stored_files(self.file.storage, [written])
            raise
        self._written_name = None
        if previous and previous != self.file.name:
            storage = self.file.storage
            transaction.on_commit(lambda: delete_stored_files(storage, [previous]))
        self._saved_file_name = self.file.name

    def get_absolute_url(self):
        return reverse("documents:document", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        if "file" not in instance.get_deferred_fields():
            instance._saved_file_name = instance.file.name
        return instance

    # Files --------------------------------------------------------------------------

    def attach(self, checked) -> None:
        """Use a checked upload (``checks.CheckedUpload``); its file is written by write_file() or the next save()."""
        self.kind = checked.format.kind
        self.file_format = checked.format.key
        self.content_type = checked.format.content_type
        self.size = checked.size
        self.page_count = checked.page_count
        self._pending = checked

    def write_file(self) -> None:
        """Write an attached upload's file now, under a random name; a write cut short leaves nothing.

        Called by the form before any database write, so that a full disk is said next to the field.
        """
        checked = getattr(self, "_pending", None)
        if checked is None:
            return
        self._pending = None
        field = self._meta.get_field("file")
        name = field.generate_filename(self, f"{uuid.uuid4().hex}.{checked.format.extension}")
        self.file = save_whole_file(self.file.storage, name, checked.content, field.max_length)
        self._written_name = self.file.name

    @property
    def format(self) -> FileFormat:
        return FORMATS[self.file_format]

    def _previous_file_name(self) -> str:
        if hasattr(self, "_saved_file_name"):
            return self._saved_file_name
        if self._state.adding:
            return ""
        saved = type(self)._base_manager.filter(pk=self.pk).values_list("file", flat=True).first()
        return saved or ""

    @property
    def download_name(self) -> str:
        """The file name readers' browsers save it under: the title's slug and the real extension."""
        return f"{slugify(self.title)[:80] or 'document'}.{self.format.extension}"
