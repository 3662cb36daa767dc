"""Check an uploaded document or media file, and strip what it says about its author.

The real type is read from the file's bytes, never from its name or what the browser said:
a page of HTML named « budget.pdf » or a program named « clip.mp4 » is refused with a
French message that says what the file really is. What is accepted:

- PDF: starts with ``%PDF-`` and pypdf can read every page. Rewritten without its
  information dictionary (author, creator, producer, dates), its XMP metadata, the
  applications' private data and its scripts.
- Office files, OOXML (docx, xlsx, pptx) and ODF (odt, ods, odp): a zip with the right
  structure, no macros, no program inside, no name leaving the document. Rewritten with
  the author, the last editor, the company and the template's path emptied.
- Audio (MP3, AAC/M4A, Ogg Vorbis, Opus, WAV, FLAC) and video (MP4, MOV, WebM): recognised
  by their headers (MP4 and MOV also by their boxes, which must tile the file, and their
  tracks). Kept as sent: stripping their tags would need ffmpeg.

Documents are read in memory (50 Mo at most by default); audio and video are never read
whole, only their headers and, for MP4/MOV, the index of their tracks.
"""

import io
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import NameObject

from .formats import FORMATS, FileFormat, Kind
from .sizes import human_size

HEAD_BYTES = 4096
# A zip holding more than this once decompressed, or this many entries, is a bomb, not a document.
ZIP_MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
ZIP_MAX_ENTRIES = 10_000
# The index of an MP4's tracks (its ``moov`` box) is read whole; a real one is a few megabytes.
MP4_MAX_INDEX_BYTES = 64 * 1024 * 1024

ACCEPTED = gettext_lazy(
    "Documents : PDF, Word, Excel, PowerPoint, OpenDocument ; audio : MP3, AAC, Ogg, Opus, WAV, FLAC ; "
    "vidéo : MP4, MOV, WebM."
)
EMPTY = gettext_lazy("Le fichier est vide : choisissez-le à nouveau.")


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted upload: its format, what to store (rewritten, or the upload itself) and its size."""

    format: FileFormat
    content: File
    size: int
    page_count: int | None = None


def check_upload(upload) -> CheckedUpload:
    """Recognise, check and clean an uploaded file; ``ValidationError`` with a French message if refused."""
    name = getattr(upload, "name", "") or ""
    if not upload.size:
        raise ValidationError(EMPTY, code="empty")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    key = recognise(head, name)
    if key == "zip":  # an office file, or refused
        check_size(upload.size, media=False)
        return clean_office(upload.read(), name)
    if key in ("mp4", "mov"):  # audio or video, as its tracks say
        key = mp4_format(upload, key)
    file_format = FORMATS[key]
    check_size(upload.size, media=file_format.is_media)
    if file_format.kind == Kind.PDF:
        return clean_pdf(upload.read())
    check_media(upload, head, file_format)
    upload.seek(0)
    return CheckedUpload(file_format, upload, upload.size)


def check_size(size: int, *, media: bool) -> None:
    if media:
        limit = settings.MEDIA_MAX_UPLOAD_BYTES
        message = _("Ce fichier pèse %(size)s : l’audio et la vidéo sont limités à %(limit)s.")
    else:
        limit = settings.DOCUMENTS_MAX_UPLOAD_BYTES
        message = _("Ce fichier pèse %(size)s : les documents sont limités à %(limit)s.")
    if size > limit:
        raise ValidationError(message % {"size": human_size(size), "limit": human_size(limit)}, code="too_big")


# What the bytes say -------------------------------------------------------------------------

# What a file's name claims it is, to say « « budget.pdf » n'est pas un PDF » when it lies.
_CLAIMS = {
    **dict.fromkeys(["pdf"], "un PDF"),
    **dict.fromkeys(
        ["doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "pptm", "odt", "ods", "odp", "rtf"],
        "un document bureautique",
    ),
    **dict.fromkeys(["mp3", "m4a", "aac", "ogg", "oga", "opus", "wav", "flac"], "un fichier audio"),
    **dict.fromkeys(["mp4", "m4v", "mov", "webm", "mkv", "avi"], "une vidéo"),
}
_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows (PE) and DOS programs
    b"\x7fELF",  # Linux and most Unix programs
    b"\xfe\xed\xfa\xce",  # Mach-O (macOS), 32 and 64 bits, both byte orders, and universal binaries
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<svg", b"<meta")
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")
_IMAGE_BRANDS = {b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"avif", b"avis"}
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word, Excel and PowerPoint before 2007


def refused_as(name: str, nature: str) -> ValidationError:
    """« « clip.mp4 » n'est pas une vidéo : c'est un programme » when the name lies, else what it is."""
    claim = _CLAIMS.get(PurePosixPath(name.lower()).suffix.lstrip("."))
    if claim:
        message = _("« %(name)s » n’est pas %(claim)s : c’est %(nature)s. Il est refusé.") % {
            "name": name,
            "claim": claim,
            "nature": nature,
        }
    else:
        message = _("Ce fichier est %(nature)s : il est refusé.") % {"nature": nature}
    return ValidationError(message, code="disguised")


def recognise(head: bytes, name: str) -> str:
    """The format key the file's first bytes show, « mp4 »/« mov » left to ``mp4_format``; else refused."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"  # told apart by clean_office(); only reached for office files
    if head.startswith(_EXECUTABLE_MAGIC):
        raise refused_as(name, _("un programme (exécutable)"))
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"#!", b"<?php", b"<%")):
        raise refused_as(name, _("un script (programme)"))
    # Only a file that starts as markup: an MP3's tags may well quote some HTML further on.
    if text.startswith(b"<") and any(marker in text[:1024] for marker in _HTML_MARKERS):
        raise refused_as(name, _("une page web (HTML)"))
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        raise ValidationError(
            _("Ce fichier est une image : ajoutez-la à la photothèque (Images), pas aux documents."), code="image"
        )
    if head.startswith(_OLE2_MAGIC):
        raise ValidationError(
            _(
                "Ce fichier est au format Word, Excel ou PowerPoint d’avant 2007 (.doc, .xls, .ppt), qui peut "
                "cacher des macros : enregistrez-le en .docx, .xlsx, .pptx ou en PDF, puis envoyez-le à nouveau."
            ),
            code="legacy_office",
        )
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            raise ValidationError(
                _("Ce fichier est une image (HEIF/AVIF) : ajoutez-la à la photothèque, en JPEG."), code="image"
            )
        return "mov" if brand == b"qt  " else "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: WebM, or another Matroska file
        if b"\x42\x82\x84webm" in head[:64]:
            return "webm"
        raise ValidationError(
            _("Les vidéos Matroska (.mkv) ne sont pas lues par tous les navigateurs : envoyez-la en MP4 ou en WebM."),
            code="unknown",
        )
    if head.startswith(b"OggS"):
        if b"OpusHead" in head[:512]:
            return "opus"
        if b"\x01vorbis" in head[:512]:
            return "ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"ID3") or is_mpeg_audio_frame(head):
        return "mp3"
    if is_adts_frame(head):
        return "aac"
    raise ValidationError(
        _("Ce type de fichier n’est pas accepté. %(accepted)s") % {"accepted": ACCEPTED}, code="unknown"
    )


def is_mpeg_audio_frame(data: bytes, at: int = 0) -> bool:
    """An MPEG audio layer III frame header (MP3) at ``at``: 11 sync bits, a version, layer III."""
    if len(data) < at + 4 or data[at] != 0xFF or data[at + 1] & 0xE0 != 0xE0:
        return False
    version, layer = (data[at + 1] >> 3) & 3, (data[at + 1] >> 1) & 3
    bitrate, sample_rate = data[at + 2] >> 4, (data[at + 2] >> 2) & 3
    return version != 1 and layer == 1 and bitrate not in (0, 15) and sample_rate != 3


def is_adts_frame(data: bytes) -> bool:
    """A raw AAC (ADTS) frame header: 12 sync bits, layer 00, a valid sampling frequency."""
    return len(data) >= 7 and data[0] == 0xFF and data[1] & 0xF6 == 0xF0 and (data[2] >> 2) & 0xF < 13


# PDF ------------------------------------------------------------------------------------------

DAMAGED_PDF = gettext_lazy("Ce PDF est endommagé ou illisible : ouvrez-le, enregistrez-le à nouveau, puis envoyez-le.")
# What a PDF may carry besides its pages: who made it, with what, and what runs when it opens.
_PDF_CATALOG_KEYS_REMOVED = ("/Metadata", "/PieceInfo", "/OpenAction", "/AA")
_PDF_PAGE_KEYS_REMOVED = ("/Metadata", "/PieceInfo", "/AA")


def clean_pdf(data: bytes) -> CheckedUpload:
    """Read every page of a PDF, then write it again without its metadata and scripts."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _(
                    "Ce PDF est protégé par un mot de passe : les lecteurs ne pourraient pas l’ouvrir. "
                    "Envoyez une version sans mot de passe."
                ),
                code="encrypted",
            )
        page_count = len(reader.pages)
        if not page_count:
            raise ValidationError(DAMAGED_PDF, code="damaged")
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None  # the /Info dictionary: author, creator, producer, dates
        catalog = writer.root_object
        for key in _PDF_CATALOG_KEYS_REMOVED:
            catalog.pop(NameObject(key), None)
        names = catalog.get("/Names")
        if names is not None:
            names.get_object().pop(NameObject("/JavaScript"), None)
        for page in writer.pages:
            for key in _PDF_PAGE_KEYS_REMOVED:
                page.pop(NameObject(key), None)
        # What was removed stays in the file as unreferenced objects until dropped here.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        cleaned = io.BytesIO()
        writer.write(cleaned)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as error:
        # pypdf reports broken files with its own errors, or Python's when the structure is too wrong to parse.
        raise ValidationError(DAMAGED_PDF, code="damaged") from error
    content = cleaned.getvalue()
    return CheckedUpload(FORMATS["pdf"], ContentFile(content), len(content), page_count)


# Office files ---------------------------------------------------------------------------------

DAMAGED_OFFICE = gettext_lazy(
    "Ce fichier bureautique est endommagé : ouvrez-le, enregistrez-le à nouveau, puis envoyez-le."
)
MACROS = gettext_lazy(
    "Ce fichier contient des macros (des programmes) : enregistrez-le sans macros (.docx, .xlsx, .pptx) "
    "ou en PDF, puis envoyez-le à nouveau."
)
_OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_EXECUTABLE_SUFFIXES = {
    ".exe", ".dll", ".com", ".scr", ".pif", ".cpl", ".msi", ".bat", ".cmd", ".ps1", ".vbs", ".vbe",
    ".js", ".jse", ".wsf", ".wsh", ".hta", ".jar", ".sh", ".app", ".lnk", ".so", ".dylib",
}  # fmt: skip
# Parts holding macros or controls that run code: VBA projects, ActiveX, LibreOffice's Basic and scripts.
_MACRO_PARTS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/|Basic/|Scripts/)", re.IGNORECASE)
# Metadata emptied, by local name: who wrote and last saved it, their company, their template's path.
_PERSONAL_FIELDS = {
    "docProps/core.xml": {"creator", "lastModifiedBy"},
    "docProps/app.xml": {"Company", "Manager", "Template"},
    "meta.xml": {"initial-creator", "creator", "printed-by"},
}
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def clean_office(data: bytes, name: str = "") -> CheckedUpload:
    """Check an OOXML or ODF file's zip, then write it again with its personal metadata emptied."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise ValidationError(DAMAGED_OFFICE, code="damaged") from error
    check_zip_entries(entries)
    names = {entry.filename for entry in entries}
    try:
        key = office_format(archive, names, name)
        cleaned = io.BytesIO()
        with zipfile.ZipFile(cleaned, "w") as output:
            for entry in entries:
                content = archive.read(entry)
                if content.startswith(_EXECUTABLE_MAGIC):
                    raise refused_as(
                        "", _("un document qui contient un programme (%(name)s)") % {"name": entry.filename}
                    )
                if entry.filename in _PERSONAL_FIELDS:
                    content = emptied(
                        content, _PERSONAL_FIELDS[entry.filename], standalone=key in ("docx", "xlsx", "pptx")
                    )
                copy = zipfile.ZipInfo(entry.filename, date_time=entry.date_time)
                # ODF wants its « mimetype » first and stored: every entry keeps its own compression.
                copy.compress_type = entry.compress_type
                copy.external_attr = 0o644 << 16
                output.writestr(copy, content)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, etree.XMLSyntaxError, EOFError, OSError, KeyError) as error:
        raise ValidationError(DAMAGED_OFFICE, code="damaged") from error
    content = cleaned.getvalue()
    return CheckedUpload(FORMATS[key], ContentFile(content), len(content))


def check_zip_entries(entries: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip with names leaving it, passwords, programs, macros, or too much inside."""
    if len(entries) > ZIP_MAX_ENTRIES or sum(entry.file_size for entry in entries) > ZIP_MAX_UNCOMPRESSED_BYTES:
        raise ValidationError(
            _("Ce fichier se décompresse en plus de %(limit)s : il est refusé.")
            % {"limit": human_size(ZIP_MAX_UNCOMPRESSED_BYTES)},
            code="zip_bomb",
        )
    seen = set()
    for entry in entries:
        name = entry.filename
        parts = PurePosixPath(name).parts
        if name.startswith("/") or "\\" in name or "\x00" in name or ".." in parts or ":" in name or name in seen:
            raise ValidationError(
                _("Ce fichier est mal formé (un de ses chemins sort du document) : il est refusé."), code="traversal"
            )
        seen.add(name)
        if entry.flag_bits & 0x1:
            raise ValidationError(
                _("Ce fichier est protégé par un mot de passe : envoyez une version sans mot de passe."),
                code="encrypted",
            )
        if PurePosixPath(name.lower()).suffix in _EXECUTABLE_SUFFIXES:
            raise ValidationError(
                _("Ce fichier contient un programme (%(name)s) : il est refusé.") % {"name": name}, code="executable"
            )
        if _MACRO_PARTS.search(name):
            raise ValidationError(MACROS, code="macros")


def office_format(archive: zipfile.ZipFile, names: set[str], name: str) -> str:
    """docx, xlsx, pptx from [Content_Types].xml's main part; odt, ods, odp from ODF's « mimetype »."""
    if "[Content_Types].xml" in names:
        types = etree.fromstring(archive.read("[Content_Types].xml"), parser=_SAFE_XML)
        declared = {element.get("ContentType", "") for element in types}
        if any("macroenabled" in value.lower() or "vbaproject" in value.lower() for value in declared):
            raise ValidationError(MACROS, code="macros")
        for content_type, key in _OOXML_MAIN_TYPES.items():
            if content_type in declared:
                return key
    elif archive.infolist()[0].filename == "mimetype" and "META-INF/manifest.xml" in names:
        key = _ODF_MIMETYPES.get(archive.read("mimetype").strip())
        if key:
            return key
    raise refused_as(name, _("une archive ZIP"))


def emptied(xml: bytes, local_names: set[str], *, standalone: bool) -> bytes:
    """The same XML with the text of these elements (by local name, any namespace) emptied."""
    root = etree.fromstring(xml, parser=_SAFE_XML)
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname in local_names:
            element.text = None
            for child in list(element):
                element.remove(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True if standalone else None)


# Audio and video ------------------------------------------------------------------------------

DAMAGED_MEDIA = gettext_lazy(
    "Ce fichier audio ou vidéo est endommagé ou incomplet : exportez-le à nouveau, puis envoyez-le."
)
# A handler of a track in an MP4's index: « vide » for a picture track, « soun » for sound.
_TRACK_HANDLER = re.compile(rb"hdlr.{8}(vide|soun)", re.DOTALL)


def mp4_format(upload, key: str) -> str:
    """« mp4 » or « mov » when the file has a picture track, « m4a » when it has only sound.

    Walks the top-level boxes (each says its size; together they must cover the file exactly)
    and reads the index of tracks, ``moov``, without reading the media data.
    """
    size = upload.size
    position, index = 0, None
    while position < size:
        upload.seek(position)
        header = upload.read(16)
        if len(header) < 8:
            raise ValidationError(DAMAGED_MEDIA, code="damaged")
        box_size, box_type = struct.unpack(">I4s", header[:8])
        header_size = 8
        if box_size == 1 and len(header) == 16:
            box_size, header_size = struct.unpack(">Q", header[8:16])[0], 16
        elif box_size == 0:
            box_size = size - position
        if box_size < header_size or position + box_size > size or not re.fullmatch(rb"[\x20-\x7e]{4}", box_type):
            raise ValidationError(DAMAGED_MEDIA, code="damaged")
        if box_type == b"moov":
            if box_size > MP4_MAX_INDEX_BYTES:
                raise ValidationError(DAMAGED_MEDIA, code="damaged")
            upload.seek(position + header_size)
            index = upload.read(box_size - header_size)
        position += box_size
    upload.seek(0)
    handlers = set(_TRACK_HANDLER.findall(index or b""))
    if b"vide" in handlers:
        return key
    if b"soun" in handlers:
        return "m4a"
    raise ValidationError(DAMAGED_MEDIA, code="damaged")


def check_media(upload, head: bytes, file_format: FileFormat) -> None:
    """What can be checked of an audio file from its header: MP3's first frame after its tags."""
    if file_format.key == "mp3" and head.startswith(b"ID3"):
        # ID3v2's size is « syncsafe »: 7 bits per byte. The first audio frame follows the tags.
        tag_size = 10 + sum((byte & 0x7F) << shift for byte, shift in zip(head[6:10], (21, 14, 7, 0), strict=True))
        upload.seek(tag_size)
        after = upload.read(HEAD_BYTES)
        if not any(is_mpeg_audio_frame(after, at) for at in range(max(0, len(after) - 3))):
            raise ValidationError(DAMAGED_MEDIA, code="damaged")
