"""The file formats the document library accepts, declared once.

Each format says what kind of document it is, how readers are told about it (« PDF, 1,2 Mo »),
the content type and extension it is served with, and whether browsers show it (inline) or
save it (attachment). The checks (``checks.py``) recognise a format from the file's bytes and
name it by its key; the model stores that key; the admin, the public address and the body's
rendering read the rest from here.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PDF = "pdf", _("PDF")
    OFFICE = "office", _("bureautique")
    AUDIO = "audio", _("audio")
    VIDEO = "video", _("vidéo")


# What an article plays with the browser's own player rather than links to.
MEDIA_KINDS = (Kind.AUDIO, Kind.VIDEO)


@dataclass(frozen=True)
class FileFormat:
    key: str
    kind: Kind
    label: str  # what readers read before the size: « PDF », « Word », « MP3 »
    content_type: str
    extension: str

    @property
    def inline(self) -> bool:
        """Browsers show PDFs and play audio and video themselves; office files are saved to open them."""
        return self.kind != Kind.OFFICE

    @property
    def is_media(self) -> bool:
        return self.kind in MEDIA_KINDS


_FORMATS = [
    FileFormat("pdf", Kind.PDF, "PDF", "application/pdf", "pdf"),
    FileFormat(
        "docx", Kind.OFFICE, "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
    ),
    FileFormat(
        "xlsx", Kind.OFFICE, "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    ),
    FileFormat(
        "pptx",
        Kind.OFFICE,
        "PowerPoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    FileFormat("odt", Kind.OFFICE, "OpenDocument texte", "application/vnd.oasis.opendocument.text", "odt"),
    FileFormat("ods", Kind.OFFICE, "OpenDocument tableur", "application/vnd.oasis.opendocument.spreadsheet", "ods"),
    FileFormat(
        "odp", Kind.OFFICE, "OpenDocument présentation", "application/vnd.oasis.opendocument.presentation", "odp"
    ),
    FileFormat("mp3", Kind.AUDIO, "MP3", "audio/mpeg", "mp3"),
    FileFormat("m4a", Kind.AUDIO, "AAC", "audio/mp4", "m4a"),
    FileFormat("aac", Kind.AUDIO, "AAC", "audio/aac", "aac"),
    FileFormat("ogg", Kind.AUDIO, "Ogg Vorbis", "audio/ogg", "ogg"),
    FileFormat("opus", Kind.AUDIO, "Opus", "audio/ogg", "opus"),
    FileFormat("wav", Kind.AUDIO, "WAV", "audio/wav", "wav"),
    FileFormat("flac", Kind.AUDIO, "FLAC", "audio/flac", "flac"),
    FileFormat("mp4", Kind.VIDEO, "MP4", "video/mp4", "mp4"),
    FileFormat("mov", Kind.VIDEO, "MOV", "video/quicktime", "mov"),
    FileFormat("webm", Kind.VIDEO, "WebM", "video/webm", "webm"),
]

FORMATS: dict[str, FileFormat] = {file_format.key: file_format for file_format in _FORMATS}
FORMAT_CHOICES = [(file_format.key, file_format.label) for file_format in _FORMATS]
