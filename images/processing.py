"""Turn an uploaded file into clean, web-ready pictures, or refuse it with a French message.

Everything here works in memory: nothing reaches the storage until the image is
saved, so a refused upload leaves no trace. The uploaded bytes are never kept:
the master and every rendition are re-encoded from the decoded pixels, which
drops EXIF (camera, date, GPS position), XMP and comments; colours are
converted to sRGB, the only profile every browser assumes.
"""

import contextlib
import math
import re
import uuid
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image as PillowImage
from PIL import ImageCms, ImageFile, ImageOps

# A truncated file must be refused, not silently completed with grey pixels.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# What newsrooms receive; MPO is the JPEG variant some cameras and phones write.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ACCEPTED_DECODED_FORMATS = {*ACCEPTED_FORMATS, "MPO"}

MEGABYTE = 1024 * 1024
MASTER_JPEG_QUALITY = 90
RENDITION_JPEG_QUALITY = 82
RENDITION_WEBP_QUALITY = 80

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class EncodedPicture:
    """One encoded file: the master or a rendition, ready to be written to the storage."""

    width: int
    height: int
    format: str  # "webp", "jpeg" or "png"
    content: bytes

    @property
    def extension(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format


@dataclass(frozen=True)
class ProcessedImage:
    """A checked upload: its re-encoded master, its renditions and the key naming their files."""

    key: str
    master: EncodedPicture
    renditions: tuple[EncodedPicture, ...]
    has_alpha: bool

    @property
    def width(self) -> int:
        return self.master.width

    @property
    def height(self) -> int:
        return self.master.height

    def master_file(self) -> ContentFile:
        """The master as a file to assign to ``Image.file``; named by the key, never by the upload."""
        return ContentFile(self.master.content, name=f"{self.key}.{self.master.extension}")


def process_upload(upload) -> ProcessedImage:
    """Check an uploaded file and produce its master and renditions, all in memory.

    Raises ``ValidationError`` with a message for the journalist when the file is
    too heavy, not an image, damaged, or has too many pixels.
    """
    check_upload_size(upload)
    picture = decode(upload)
    try:
        picture, has_alpha = normalise(picture)
        fallback = "png" if has_alpha else "jpeg"
        return ProcessedImage(
            key=uuid.uuid4().hex,
            master=encode(picture, fallback, master=True),
            renditions=tuple(
                encode(resized, image_format)
                for resized in renditions_of(picture, settings.IMAGES_RENDITION_WIDTHS)
                for image_format in ("webp", fallback)
            ),
            has_alpha=has_alpha,
        )
    except (OSError, ValueError) as error:  # e.g. WebP stops at 16 383 pixels: a 1 × 40 000 strip
        raise ValidationError(
            _("Cette image n’a pas pu être convertie pour le web : ses proportions ou son codage sont hors normes."),
            code="unconvertible_image",
        ) from error


# Checks -------------------------------------------------------------------------------


def check_upload_size(upload) -> None:
    """Refuse a file heavier than IMAGES_MAX_UPLOAD_BYTES before Pillow even looks at it."""
    limit = settings.IMAGES_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Ce fichier pèse %(size)s ; la limite est de %(limit)s.")
            % {"size": human_size(upload.size, round_up=True), "limit": human_size(limit)},
            code="file_too_large",
        )


def decode(upload) -> PillowImage.Image:
    """Open, check and fully decode the upload, turned the way the camera meant it.

    The header is read first, so that an image with too many pixels is refused
    before its pixels are decompressed.
    """
    upload.seek(0)
    try:
        source = PillowImage.open(upload, formats=ACCEPTED_FORMATS)
    except (PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning) as bomb:
        # Pillow's own, higher limit (the warning is raised when warnings are errors).
        raise too_many_pixels(pixels_from_pillow_message(str(bomb))) from bomb
    except Exception as error:  # Pillow raises many kinds of errors on hostile files.
        raise not_an_image() from error
    if source.format not in ACCEPTED_DECODED_FORMATS:
        source.close()
        raise not_an_image()
    if source.width * source.height > settings.IMAGES_MAX_PIXELS:
        source.close()
        raise too_many_pixels(source.width * source.height)
    try:
        source.seek(0)  # the first frame of an animation
        source.load()
    except Exception as error:  # truncated data, broken chunks…
        source.close()
        raise ValidationError(
            _("Ce fichier est incomplet ou endommagé : l’image ne peut pas être lue en entier. Envoyez l’original."),
            code="damaged_image",
        ) from error
    # Turned in place, not copied: at 40 million pixels, each copy of the pixels costs 160 MB.
    return upright(source)


def upright(picture: PillowImage.Image) -> PillowImage.Image:
    """The pixels turned as the EXIF orientation says (a phone held upright), in place."""
    # Unreadable EXIF: the pixels themselves are fine, shown as stored.
    with contextlib.suppress(Exception):
        ImageOps.exif_transpose(picture, in_place=True)
    return picture


def not_an_image() -> ValidationError:
    return ValidationError(
        _("Ce fichier n’est pas une image lisible (JPEG, PNG, WebP ou GIF attendu)."), code="not_an_image"
    )


def too_many_pixels(pixels: int | None) -> ValidationError:
    limit = decimal(settings.IMAGES_MAX_PIXELS / 1_000_000)
    if pixels is None:
        message = _("Image trop grande ; la limite est de %(limit)s mégapixels.") % {"limit": limit}
    else:
        message = _("Image trop grande : %(pixels)s mégapixels ; la limite est de %(limit)s.") % {
            "pixels": decimal(pixels / 1_000_000, round_up=True),
            "limit": limit,
        }
    return ValidationError(message, code="too_many_pixels")


def pixels_from_pillow_message(message: str) -> int | None:
    """The pixel count Pillow puts in its decompression bomb messages, if it is there."""
    found = re.search(r"\((\d+) pixels\)", message)
    return int(found.group(1)) if found else None


def human_size(size: int, *, round_up: bool = False) -> str:
    """« 16,2 Mo », « 15 Mo », « 900 Ko »: how a journalist reads a file size."""
    if size >= MEGABYTE:
        return _("%(number)s Mo") % {"number": decimal(size / MEGABYTE, round_up=round_up)}
    kilobytes = math.ceil(size / 1024) if round_up else round(size / 1024)
    return _("%(number)s Ko") % {"number": kilobytes}


def decimal(number: float, *, round_up: bool = False) -> str:
    """One decimal at most, with a decimal comma: 16,2 and 15 (rounded up when refusing a value)."""
    tenths = math.ceil(round(number * 10, 6)) if round_up else round(number * 10)
    units, tenth = divmod(int(tenths), 10)
    return f"{units},{tenth}" if tenth else str(units)


# Pixels -------------------------------------------------------------------------------


def normalise(picture: PillowImage.Image) -> tuple[PillowImage.Image, bool]:
    """sRGB pixels in RGB, or RGBA when some pixel is actually transparent; no metadata left.

    Returns the picture and whether it has transparency.
    """
    picture = to_srgb(picture)
    # Converted only when the mode differs: convert() copies the pixels even to the same mode.
    if picture.mode in ("RGBA", "LA", "PA") or picture.has_transparency_data:
        if picture.mode != "RGBA":
            picture = picture.convert("RGBA")
        if picture.getchannel("A").getextrema()[0] == 255:
            picture = picture.convert("RGB")  # an alpha channel with nothing transparent in it
    elif picture.mode != "RGB":
        picture = picture.convert("RGB")
    # Encoders take metadata from the save() arguments only, except PNG's colour
    # profile: empty the info so that nothing of the upload can ever be written out.
    picture.info = {}
    return picture, picture.mode == "RGBA"


def to_srgb(picture: PillowImage.Image) -> PillowImage.Image:
    """Convert pixels tagged with a colour profile (Adobe RGB, Display P3, CMYK…) to sRGB."""
    profile = picture.info.get("icc_profile")
    if not profile or picture.mode not in ("RGB", "RGBA", "CMYK"):
        return picture
    try:
        return ImageCms.profileToProfile(
            picture,
            ImageCms.ImageCmsProfile(BytesIO(profile)),
            SRGB,
            outputMode="RGBA" if picture.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return picture  # a broken profile: keep the pixels as they are


def rendition_widths(image_width: int, wanted: list[int]) -> list[int]:
    """The configured widths the image can fill, or its own width when it is narrower than all of them."""
    return sorted({width for width in wanted if width <= image_width}) or [image_width]


def renditions_of(picture: PillowImage.Image, wanted: list[int]):
    """The picture resized to each rendition width, keeping its proportions, widest first.

    Each from the one before it rather than from the upload: only the widest reads the full
    pixels (resizing RGBA copies them premultiplied, 160 MB at 40 million pixels).
    """
    source = picture
    for width in sorted(rendition_widths(picture.width, wanted), reverse=True):
        height = max(1, round(picture.height * width / picture.width))
        if (width, height) != source.size:
            source = source.resize((width, height), PillowImage.Resampling.LANCZOS, reducing_gap=3.0)
        yield source


def encode(picture: PillowImage.Image, image_format: str, *, master: bool = False) -> EncodedPicture:
    """Encode pixels as WebP, progressive JPEG or PNG, with no metadata at all."""
    buffer = BytesIO()
    if image_format == "jpeg":
        quality = MASTER_JPEG_QUALITY if master else RENDITION_JPEG_QUALITY
        picture.save(buffer, "JPEG", quality=quality, progressive=True, optimize=True)
    elif image_format == "png":
        picture.save(buffer, "PNG", optimize=not master)
    else:
        picture.save(buffer, "WEBP", quality=RENDITION_WEBP_QUALITY, method=4)
    return EncodedPicture(picture.width, picture.height, image_format, buffer.getvalue())
