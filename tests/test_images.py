"""The image library as the newsroom uses it: uploads through the admin, refusals, files on disk, <picture>."""

import errno
import io
import itertools
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.template import Context, Template
from django.urls import reverse
from factories import ALT_TEXT, encoded, jpeg
from PIL import ExifTags, ImageDraw
from PIL import Image as Pillow

from images.models import Image
from images.processing import process_upload

pytestmark = pytest.mark.django_db

WIDTHS = [480, 800, 1200, 1600]
RED = (255, 0, 0)
GPS_INFO = ExifTags.IFD.GPSInfo  # 0x8825
ORIENTATION = ExifTags.Base.Orientation  # 0x0112


# Files a journalist might send ----------------------------------------------------


def phone_photo() -> bytes:
    """A 4000 × 3000 photo taken with the phone held upright (EXIF orientation 6), with a GPS position.

    The stored pixels have a red block in their top-left corner; turned upright,
    the block is in the top-right corner.
    """
    picture = Pillow.new("RGB", (4000, 3000), "white")
    ImageDraw.Draw(picture).rectangle((0, 0, 399, 399), fill=RED)
    exif = Pillow.Exif()
    exif[ORIENTATION] = 6
    exif[ExifTags.Base.Make] = "Fairphone"
    gps = exif.get_ifd(GPS_INFO)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (49.0, 7.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (6.0, 10.0, 30.0)
    return encoded(picture, "JPEG", quality=90, exif=exif, xmp=b"<x:xmpmeta>Jeanne Martin, rue Serpenoise</x:xmpmeta>")


def transparent_png(size=(900, 600)) -> bytes:
    picture = Pillow.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(picture).ellipse((100, 100, 500, 500), fill=(29, 53, 87, 255))
    return encoded(picture, "PNG")


def noisy_jpeg() -> bytes:
    return encoded(Pillow.effect_noise((800, 600), 64).convert("RGB"), "JPEG", quality=95)


def declared_pixels_png(size) -> bytes:
    """A PNG of a few kilobytes whose header declares ``size``: one-bit black pixels compress to nothing."""
    return encoded(Pillow.new("1", size), "PNG")


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


# Helpers ----------------------------------------------------------------------------


def add_url():
    return reverse("admin:images_image_add")


def change_url(image):
    return reverse("admin:images_image_change", args=[image.pk])


def image_form_data(file=None, **overrides):
    data = {"alt_text": ALT_TEXT, "caption": "", "credit": "Photo : Jeanne Martin"}
    if file is not None:
        data["file"] = file
    data.update(overrides)
    return data


def stored_files() -> list[str]:
    """Every file under MEDIA_ROOT, relative to it."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def open_stored(name: str) -> Pillow.Image:
    return Pillow.open(Path(settings.MEDIA_ROOT) / name)


def all_names(image: Image) -> list[str]:
    return sorted(image.file_names())


# A phone photo, through the admin ---------------------------------------------------


def test_phone_photo_is_stored_upright_resized_and_without_metadata(editor_client, editor):
    source = phone_photo()
    assert Pillow.open(io.BytesIO(source)).getexif().get_ifd(GPS_INFO), "the test photo must carry a position"

    response = editor_client.post(add_url(), image_form_data(upload(source, name="IMG_4032-rue-Serpenoise.jpg")))

    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (3000, 4000)
    assert image.uploaded_by == editor
    assert str(image) == ALT_TEXT
    assert {(r["width"], r["height"], r["format"]) for r in image.renditions} == {
        (width, round(width * 4000 / 3000), image_format) for width in WIDTHS for image_format in ("webp", "jpeg")
    }
    assert stored_files() == all_names(image)
    assert not any("IMG_4032" in name or "Serpenoise" in name for name in stored_files())

    for rendition in image.renditions:
        with open_stored(rendition["name"]) as stored:
            assert stored.format == rendition["format"].upper()
            assert stored.size == (rendition["width"], rendition["height"])
    for name in stored_files():
        with open_stored(name) as stored:
            assert_no_metadata(stored, name)
            assert_red_block_top_right(stored, name)
    master = (Path(settings.MEDIA_ROOT) / image.file.name).read_bytes()
    assert master != source
    assert b"Fairphone" not in master and b"xmpmeta" not in master


def assert_no_metadata(stored: Pillow.Image, name: str):
    exif = stored.getexif()
    assert GPS_INFO not in exif, name
    assert ORIENTATION not in exif, name
    assert not exif.get_ifd(GPS_INFO), name
    assert not stored.info.get("exif") and not stored.info.get("xmp"), name


def assert_red_block_top_right(stored: Pillow.Image, name: str):
    """Upright, the block drawn in the stored pixels' top-left corner sits in the top-right corner."""
    pixels = stored.convert("RGB")
    width, height = pixels.size

    def colour_at(x, y):
        return pixels.getpixel((int(width * x), int(height * y)))

    red, green, blue = colour_at(0.95, 0.04)
    assert red > 200 and green < 60 and blue < 60, name
    for corner in [(0.04, 0.04), (0.04, 0.96), (0.95, 0.96)]:
        assert min(colour_at(*corner)) > 200, (name, corner)


def test_renditions_feed_srcset_and_fallback_without_queries(editor_client, django_assert_num_queries):
    editor_client.post(add_url(), image_form_data(upload(jpeg((2000, 1500)))))
    image = Image.objects.get()

    with django_assert_num_queries(0):
        webp, fallback, fallback_url = image.srcset("webp"), image.srcset("jpeg"), image.fallback_url

    assert re.findall(r"/(\d+)\.webp (\d+)w", webp) == [(str(width), str(width)) for width in WIDTHS]
    assert re.findall(r"/(\d+)\.jpg (\d+)w", fallback) == [(str(width), str(width)) for width in WIDTHS]
    assert image.fallback_format == "jpeg"
    assert fallback_url.startswith(settings.MEDIA_URL) and fallback_url.endswith("/1200.jpg")


# Refused uploads ----------------------------------------------------------------------

NOT_AN_IMAGE = "Ce fichier n’est pas une image lisible (JPEG, PNG, WebP ou GIF attendu)."
DAMAGED = "Ce fichier est incomplet ou endommagé : l’image ne peut pas être lue en entier. Envoyez l’original."
MISSING_ALT_TEXT = "Décrivez l’image pour les personnes qui ne la voient pas."


def half_a_jpeg():
    data = noisy_jpeg()
    return upload(data[: len(data) // 2])


@pytest.mark.parametrize(
    ("make_upload", "overrides", "field", "message"),
    [
        pytest.param(
            lambda: upload(b"Bonjour, ceci est un texte.\n", name="photo.jpg"), {}, "file", NOT_AN_IMAGE, id="text"
        ),
        pytest.param(half_a_jpeg, {}, "file", DAMAGED, id="truncated-jpeg"),
        pytest.param(
            lambda: upload(declared_pixels_png((8000, 8000)), name="bombe.png", content_type="image/png"),
            {},
            "file",
            "Image trop grande : 64 mégapixels ; la limite est de 40.",
            id="decompression-bomb",
        ),
        pytest.param(
            # Beyond Pillow's own limit too: its warning is an error in the test settings.
            lambda: upload(declared_pixels_png((10000, 10000)), name="bombe.png", content_type="image/png"),
            {},
            "file",
            "Image trop grande : 100 mégapixels ; la limite est de 40.",
            id="decompression-bomb-beyond-pillow-limit",
        ),
        pytest.param(lambda: upload(jpeg()), {"alt_text": "  "}, "alt_text", MISSING_ALT_TEXT, id="no-alt-text"),
    ],
)
def test_refused_upload_shows_why_next_to_the_field_and_stores_nothing(
    editor_client, make_upload, overrides, field, message
):
    response = editor_client.post(add_url(), image_form_data(make_upload(), **overrides))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {field: [message]}
    assert_error_next_to_field(response.content.decode(), field, message)
    assert not Image.objects.exists()
    # Nothing in the library; a good file refused for its alt text waits to be sent again.
    assert [name for name in stored_files() if not name.startswith("images/kept/")] == []


def assert_error_next_to_field(html: str, field: str, message: str):
    """The message is in the field's own error list, which its input refers to."""
    assert f'<ul class="errorlist" id="id_{field}_error"><li>{message}</li></ul>' in html


def test_too_heavy_file_is_refused_before_being_read(editor_client, settings):
    settings.IMAGES_MAX_UPLOAD_BYTES = 1024 * 1024
    heavy = upload(b"\xff" * (3 * 1024 * 1024 // 2))

    response = editor_client.post(add_url(), image_form_data(heavy))

    message = "Ce fichier pèse 1,5 Mo ; la limite est de 1 Mo."
    assert response.context["adminform"].form.errors == {"file": [message]}
    assert_error_next_to_field(response.content.decode(), "file", message)
    assert stored_files() == []


def test_size_message_has_a_decimal_comma():
    with pytest.raises(ValidationError) as refused:
        process_upload(upload(b"\0" * 16_986_931))  # 16.2 MiB, over the default 15

    assert refused.value.messages == ["Ce fichier pèse 16,2 Mo ; la limite est de 15 Mo."]


def test_formats_other_than_jpeg_png_webp_gif_are_refused():
    tiff = encoded(Pillow.new("RGB", (600, 400), "white"), "TIFF")

    with pytest.raises(ValidationError) as refused:
        process_upload(upload(tiff, name="scan.tif", content_type="image/tiff"))

    assert refused.value.messages == [NOT_AN_IMAGE]


def test_database_failure_removes_the_files_just_written(make_image, monkeypatch):
    image = Image(alt_text=ALT_TEXT)
    image.attach(process_upload(upload(jpeg())))

    def refuse(*args, **kwargs):
        raise DatabaseError("disque plein")

    monkeypatch.setattr(Image, "_do_insert", refuse)
    with pytest.raises(DatabaseError):
        image.save()

    assert stored_files() == []


def test_storage_failure_halfway_removes_the_files_already_written(db, monkeypatch):
    image = Image(alt_text=ALT_TEXT)
    image.attach(process_upload(upload(jpeg())))
    disk_fills_up(monkeypatch, at=lambda number, name: number == 3)

    with pytest.raises(OSError):
        image.save()

    assert stored_files() == [] and rendition_folders() == []


# Kinds of images ---------------------------------------------------------------------


def test_transparent_png_keeps_its_transparency_in_png_fallbacks(editor_client):
    response = editor_client.post(
        add_url(), image_form_data(upload(transparent_png(), name="logo.png", content_type="image/png"))
    )

    assert response.status_code == 302
    image = Image.objects.get()
    assert image.fallback_format == "png"
    assert {(r["width"], r["format"]) for r in image.renditions} == {
        (width, image_format) for width in (480, 800) for image_format in ("webp", "png")
    }
    assert image.file.name.endswith(".png")
    assert "/800.png" in image.fallback_url
    for name in stored_files():
        with open_stored(name) as stored:
            assert stored.mode == "RGBA", name
            assert stored.getpixel((0, 0))[3] == 0, name


def test_opaque_png_gets_jpeg_fallbacks(make_image):
    opaque = encoded(Pillow.new("RGBA", (900, 600), (200, 30, 40, 255)), "PNG")

    image = make_image(opaque, name="carte.png")

    assert image.fallback_format == "jpeg"


def test_image_narrower_than_every_width_gets_one_rendition_at_its_own_width(make_image):
    image = make_image(jpeg((300, 200)))

    assert sorted((r["width"], r["height"], r["format"]) for r in image.renditions) == [
        (300, 200, "jpeg"),
        (300, 200, "webp"),
    ]
    assert image.srcset("webp").endswith("/300.webp 300w")


def test_animated_gif_keeps_its_first_frame(make_image):
    frames = [Pillow.new("RGB", (500, 400), colour) for colour in ("blue", "yellow")]
    gif = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)

    image = make_image(gif, name="anim.gif")

    with open_stored(image.renditions_in("jpeg")[0]["name"]) as first:
        red, green, blue = first.convert("RGB").getpixel((10, 10))
    assert blue > 200 and red < 60 and green < 60


# Replacing and deleting ------------------------------------------------------------


def test_new_file_on_an_existing_image_replaces_all_its_files(
    editor_client, make_image, django_capture_on_commit_callbacks
):
    image = make_image(jpeg((900, 600)))
    old_names = all_names(image)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(change_url(image), image_form_data(upload(jpeg((2000, 1000)))))

    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.width, image.height) == (2000, 1000)
    assert sorted({r["width"] for r in image.renditions}) == WIDTHS
    assert stored_files() == all_names(image)
    assert not set(old_names) & set(stored_files())
    old_folder = Path(settings.MEDIA_ROOT) / Path(old_names[-1]).parent
    assert old_folder.name != Path(image.renditions[0]["name"]).parent.name
    assert not old_folder.exists()


def test_editing_the_text_only_keeps_the_files(editor_client, make_image, django_capture_on_commit_callbacks):
    image = make_image()
    names = all_names(image)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(change_url(image), image_form_data(alt_text="Le pont des Roches au printemps"))

    assert response.status_code == 302
    image.refresh_from_db()
    assert image.alt_text == "Le pont des Roches au printemps"
    assert all_names(image) == names == stored_files()


def test_refused_new_file_keeps_the_old_ones(editor_client, make_image):
    image = make_image()
    names = all_names(image)

    response = editor_client.post(change_url(image), image_form_data(half_a_jpeg()))

    assert response.context["adminform"].form.errors == {"file": [DAMAGED]}
    image.refresh_from_db()
    assert all_names(image) == names == stored_files()


def test_new_file_on_a_partly_loaded_image_still_drops_the_old_files(make_image, django_capture_on_commit_callbacks):
    make_image()
    image = Image.objects.only("alt_text").get()

    image.attach(process_upload(upload(jpeg((1000, 800)))))
    with django_capture_on_commit_callbacks(execute=True):
        image.save()

    assert stored_files() == all_names(image)


def test_listing_images_without_their_files_runs_one_query(make_image, django_assert_num_queries):
    make_image()
    make_image()

    with django_assert_num_queries(1):
        assert [str(image) for image in Image.objects.only("alt_text")] == [ALT_TEXT, ALT_TEXT]


def test_deleting_an_image_deletes_its_files(editor_client, make_image, django_capture_on_commit_callbacks):
    image = make_image()
    assert stored_files()

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse("admin:images_image_delete", args=[image.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Image.objects.exists()
    assert stored_files() == []
    assert not (Path(settings.MEDIA_ROOT) / "images" / "renditions").exists() or not any(
        (Path(settings.MEDIA_ROOT) / "images" / "renditions").iterdir()
    )


def test_bulk_deletion_deletes_every_file(editor_client, make_image, django_capture_on_commit_callbacks):
    images = [make_image(), make_image(transparent_png(), name="logo.png")]

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:images_image_changelist"),
            {"action": "delete_selected", "_selected_action": [image.pk for image in images], "post": "yes"},
        )

    assert not Image.objects.exists()
    assert stored_files() == []


# The <picture> tag -------------------------------------------------------------------


def render_picture(image, arguments=""):
    return Template("{% load pictures %}{% picture image " + arguments + " %}").render(Context({"image": image}))


def test_picture_offers_webp_and_a_fallback_at_every_width(make_image, django_assert_num_queries):
    image = make_image(jpeg((900, 600)), name="IMG_20260704_conseil-municipal-secret.jpg")

    with django_assert_num_queries(0):
        html = render_picture(image).strip()

    assert html.startswith("<picture>") and html.endswith("</picture>")
    source = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)">', html)
    assert source, html
    assert re.findall(r"\s(\d+)w", source.group(1)) == ["480", "800"]
    assert source.group(2) == "(min-width: 48rem) 42rem, 100vw"
    img = re.search(r"<img [^>]+>", html).group(0)
    assert f'src="{image.fallback_url}"' in img
    assert re.search(r'srcset="[^"]+/480\.jpg 480w, [^"]+/800\.jpg 800w"', img)
    assert 'width="900" height="600"' in img
    assert f'alt="{ALT_TEXT}"' in img
    assert 'loading="lazy"' in img and 'decoding="async"' in img
    assert "fetchpriority" not in img
    assert "IMG_20260704" not in html and "secret" not in html and "photo" not in html


def test_picture_at_the_top_of_the_page_is_fetched_first(make_image):
    html = render_picture(make_image(), 'sizes="100vw" lazy=False css_class="hero"')

    assert 'fetchpriority="high"' in html
    assert "loading=" not in html
    assert 'sizes="100vw"' in html and 'class="hero"' in html


def test_picture_escapes_the_alt_text(make_image):
    html = render_picture(make_image(alt_text='"><script>alert(1)</script>'))

    assert 'alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "<script>" not in html


def test_picture_of_no_image_renders_nothing():
    assert render_picture(None).strip() == ""


# Who may do what ---------------------------------------------------------------------


def test_journalist_uploads_but_cannot_delete(journalist_client, journalist):
    response = journalist_client.post(add_url(), image_form_data(upload(jpeg())))

    assert response.status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by == journalist
    assert journalist_client.get(change_url(image)).status_code == 200
    assert journalist_client.get(reverse("admin:images_image_delete", args=[image.pk])).status_code == 403


def test_moderator_cannot_open_or_feed_the_library(moderator_client, make_image):
    image = make_image()
    names = stored_files()

    assert moderator_client.get(add_url()).status_code == 403
    assert moderator_client.post(add_url(), image_form_data(upload(jpeg()))).status_code == 403
    assert moderator_client.get(reverse("admin:images_image_changelist")).status_code == 403
    assert moderator_client.get(change_url(image)).status_code == 403
    assert moderator_client.get(reverse("admin:images_image_picker")).status_code == 403
    assert Image.objects.count() == 1
    assert stored_files() == names


# Finding images in the admin ---------------------------------------------------------


def test_list_shows_thumbnails_with_alt_text_and_searches(editor_client, make_image):
    bridge = make_image(alt_text="Le pont des Roches", credit="Photo : Jeanne Martin")
    make_image(alt_text="La gare de Metz", caption="Le hall rénové")

    html = editor_client.get(reverse("admin:images_image_changelist")).content.decode()
    assert re.search(rf'<img src="{re.escape(bridge.thumbnail["url"])}" alt="Le pont des Roches" width="96"', html)
    assert bridge.thumbnail["url"].endswith("/480.webp")

    found = editor_client.get(reverse("admin:images_image_changelist"), {"q": "Jeanne"}).content.decode()
    assert "Le pont des Roches" in found and "La gare de Metz" not in found
    found = editor_client.get(reverse("admin:images_image_changelist"), {"q": "rénové"}).content.decode()
    assert "La gare de Metz" in found and "Le pont des Roches" not in found


def test_picker_hands_the_chosen_image_to_the_editor(journalist_client, make_image):
    image = make_image(alt_text="Le pont des Roches", caption="Sous la neige, en janvier.")
    make_image(alt_text="La gare de Metz")

    response = journalist_client.get(reverse("admin:images_image_picker"), {"CKEditorFuncNum": "3", "q": "pont"})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-image-id="{image.pk}"' in html
    assert f'data-url="{image.fallback_url}"' in html
    assert 'data-caption="Sous la neige, en janvier."' in html
    assert "La gare de Metz" not in html
    # Its script (a static file: the staff pages' CSP refuses inline ones) hands the image to editor 3;
    # test_csp_browser.py and test_editor_writing_browser.py click through it.
    assert 'name="CKEditorFuncNum" value="3"' in html
    assert 'src="/static/images/picker.js"' in html


# Uploading from the editor's picker ---------------------------------------------------


def picker_url(**params):
    return reverse("admin:images_image_picker") + ("?" + "&".join(f"{k}={v}" for k, v in params.items()))


def picker_upload_data(file=None, **overrides):
    return {f"upload-{name}": value for name, value in image_form_data(file, **overrides).items()}


def test_picker_offers_an_upload_form_to_who_may_add_images(journalist_client, moderator_client):
    html = journalist_client.get(picker_url(CKEditorFuncNum="3")).content.decode()
    assert 'enctype="multipart/form-data"' in html
    for name in ["upload-file", "upload-alt_text", "upload-caption", "upload-credit"]:
        assert f'name="{name}"' in html


def test_an_image_uploaded_in_the_picker_is_handed_to_the_editor_at_once(journalist_client, journalist):
    response = journalist_client.post(
        picker_url(CKEditorFuncNum="3"),
        picker_upload_data(upload(jpeg()), caption="Le pont sous la neige."),
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 200
    image = Image.objects.get()
    assert image.uploaded_by == journalist
    assert response.json() == {
        "image": {
            "id": image.pk,
            "url": image.fallback_url,
            "alternative_text": ALT_TEXT,
            "caption": "Le pont sous la neige.",
            # What the editor's library dialog also shows (static/articles/editor/library.js).
            "credit": image.credit,
            "thumbnail": {key: image.thumbnail[key] for key in ("url", "width", "height")},
        }
    }


def test_a_refused_upload_in_the_picker_says_why_in_french_and_stores_nothing(journalist_client):
    response = journalist_client.post(
        picker_url(CKEditorFuncNum="3"),
        picker_upload_data(upload(jpeg()), alt_text=" "),
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 400
    assert response.json() == {"errors": {"alt_text": [MISSING_ALT_TEXT]}}
    assert not Image.objects.exists()
    assert stored_files() == []


def test_without_javascript_the_picker_upload_shows_errors_next_to_the_fields(journalist_client):
    response = journalist_client.post(picker_url(CKEditorFuncNum="3"), picker_upload_data(None, alt_text=""))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<ul class="errorlist" id="id_upload-alt_text_error"><li>{MISSING_ALT_TEXT}</li></ul>' in html
    assert not Image.objects.exists()


def test_without_javascript_the_new_image_is_offered_to_insert(journalist_client):
    response = journalist_client.post(picker_url(CKEditorFuncNum="3"), picker_upload_data(upload(jpeg())))

    assert response.status_code == 200
    image = Image.objects.get()
    assert f'data-image-id="{image.pk}"' in response.content.decode()
    assert "data-added" in response.content.decode()


def test_who_may_not_add_images_cannot_upload_through_the_picker(client, make_user):
    viewer = make_user("lecteur-photo")
    viewer.user_permissions.add(Permission.objects.get(codename="view_image"))
    client.force_login(viewer)

    assert "upload-file" not in client.get(picker_url()).content.decode()
    assert client.post(picker_url(), picker_upload_data(upload(jpeg()))).status_code == 403
    assert not Image.objects.exists()


@pytest.mark.parametrize("name", ["IMG_1234.jpg", "FB_IMG_1468476316958.jpg", "DSC_0001.JPG"])
def test_a_file_name_typed_as_a_caption_gets_a_warning_not_a_refusal(editor_client, name):
    response = editor_client.post(
        add_url(), image_form_data(upload(jpeg()), caption=f"Vue du pont {name}"), follow=True
    )

    assert Image.objects.get().caption == f"Vue du pont {name}"
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == [
        f"« {name} » ressemble à un nom de fichier d’image : les lecteurs le verront tel quel. "
        "Remplacez-le par une vraie légende ou retirez-le."
    ]


# A form refused for another reason keeps the chosen file -------------------------------------


def test_a_missing_alt_text_keeps_the_chosen_file_for_the_next_try(editor_client, django_capture_on_commit_callbacks):
    response = editor_client.post(add_url(), image_form_data(upload(jpeg(), name="marche-noel.jpg"), alt_text=""))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Le fichier « marche-noel.jpg » est gardé" in html
    token = re.search(r'name="kept_upload" value="([^"]+)"', html).group(1)
    assert not Image.objects.exists()
    kept = [name for name in stored_files() if name.startswith("images/kept/")]
    assert len(kept) == 1

    # Sent again with the alt text and without choosing the file.
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(add_url(), image_form_data(kept_upload=token))

    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (900, 600)
    assert stored_files() == all_names(image)  # the kept file is gone, only the library's remain


def test_a_forged_or_foreign_kept_file_token_is_ignored(editor_client):
    for token in ["nimportequoi", "images/kept/../../secret-key"]:
        response = editor_client.post(add_url(), image_form_data(kept_upload=token))
        assert response.status_code == 200
        assert "Ce champ est obligatoire" in response.content.decode()
    assert not Image.objects.exists()


def test_a_refused_file_is_not_kept(editor_client):
    response = editor_client.post(add_url(), image_form_data(upload(b"not an image", name="x.jpg"), alt_text=""))
    assert response.status_code == 200
    assert "est gardé" not in response.content.decode()
    assert not [name for name in stored_files() if name.startswith("images/kept/")]


# A disk that fills up -----------------------------------------------------------------------------

DISK_FULL = "Le disque du serveur est plein"
MASTER = "images/originals/"


def disk_fills_up(monkeypatch, *, at) -> None:
    """The disk fills up while the file for which ``at(number, name)`` is true is written (numbered
    from 1): half its bytes reach the disk, then the write fails with ENOSPC, as on a real full disk."""
    save, numbers = FileSystemStorage._save, itertools.count(1)

    def write(storage, name, content):
        if not at(next(numbers), name):
            return save(storage, name, content)
        data = b"".join(content.chunks())

        def half_then_full(chunk_size=None):
            yield data[: len(data) // 2]
            raise OSError(errno.ENOSPC, "No space left on device")

        cut_short = ContentFile(data)
        cut_short.chunks = half_then_full
        return save(storage, name, cut_short)

    monkeypatch.setattr(FileSystemStorage, "_save", write)


def rendition_folders() -> list[str]:
    root = Path(settings.MEDIA_ROOT) / "images/renditions"
    return sorted(path.name for path in root.iterdir()) if root.exists() else []


@pytest.mark.parametrize(
    "at",
    [
        pytest.param(lambda number, name: number == 1, id="first-file"),
        pytest.param(lambda number, name: number == 3, id="a-rendition"),
        pytest.param(lambda number, name: name.startswith(MASTER), id="the-master"),
    ],
)
def test_a_full_disk_gets_a_french_message_keeps_the_texts_and_leaves_no_file(editor_client, monkeypatch, at):
    disk_fills_up(monkeypatch, at=at)
    data = image_form_data(upload(jpeg((1600, 1000))), alt_text="Le pont des Roches", caption="Au petit matin")

    response = editor_client.post(add_url(), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert DISK_FULL in " ".join(form.errors["file"])
    assert form["alt_text"].value() == "Le pont des Roches" and form["caption"].value() == "Au petit matin"
    assert not Image.objects.exists()
    assert stored_files() == []  # the file cut short and every file written before it are gone
    assert rendition_folders() == []


def test_another_storage_error_is_told_apart_from_a_full_disk(editor_client, monkeypatch):
    def read_only(storage, name, content):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(FileSystemStorage, "_save", read_only)
    response = editor_client.post(add_url(), image_form_data(upload(jpeg())))

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["file"])
    assert "le stockage des images est indisponible" in errors and DISK_FULL not in errors
    assert not Image.objects.exists()


def test_a_full_disk_in_the_picker_says_so_in_french_and_stores_nothing(journalist_client, monkeypatch):
    disk_fills_up(monkeypatch, at=lambda number, name: name.startswith(MASTER))

    response = journalist_client.post(
        picker_url(CKEditorFuncNum="3"), picker_upload_data(upload(jpeg())), headers={"Accept": "application/json"}
    )

    assert response.status_code == 400
    assert DISK_FULL in response.json()["errors"]["file"][0]
    assert not Image.objects.exists()
    assert stored_files() == []


def test_a_full_disk_while_adding_a_personality_s_portrait_leaves_nothing(editor_client, make_personality, monkeypatch):
    personality = make_personality("Claire Vasseur", slug="claire-vasseur")
    page = editor_client.get(reverse("admin:articles_personality_change", args=[personality.pk])).content.decode()
    # The « + » next to the portrait opens the library's own form, in a popup.
    popup_url = unescape(re.search(r'id="add_id_portrait"[^>]*href="([^"]+)"', page).group(1))
    assert popup_url.startswith(add_url() + "?") and "_popup=1" in popup_url
    disk_fills_up(monkeypatch, at=lambda number, name: number == 2)

    response = editor_client.post(popup_url, image_form_data(upload(phone_photo()), alt_text="Claire Vasseur, maire"))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert DISK_FULL in " ".join(form.errors["file"]) and form["alt_text"].value() == "Claire Vasseur, maire"
    assert (Image.objects.count(), stored_files()) == (0, [])
    personality.refresh_from_db()
    assert personality.portrait is None


def test_a_full_disk_when_replacing_a_file_keeps_the_image_and_its_old_files(editor_client, make_image, monkeypatch):
    image = make_image(jpeg((900, 600)), alt_text="Le marché couvert")
    before = stored_files()
    disk_fills_up(monkeypatch, at=lambda number, name: name.startswith(MASTER))

    response = editor_client.post(change_url(image), image_form_data(upload(jpeg((1600, 1000))), alt_text="Changé"))

    assert response.status_code == 200
    assert DISK_FULL in " ".join(response.context["adminform"].form.errors["file"])
    image.refresh_from_db()
    assert image.alt_text == "Le marché couvert"
    assert stored_files() == before == all_names(image)  # the database points at files that are all there


def test_a_full_disk_while_keeping_a_refused_form_s_file_leaves_no_part_of_it(editor_client, monkeypatch):
    disk_fills_up(monkeypatch, at=lambda number, name: name.startswith("images/kept/"))

    response = editor_client.post(add_url(), image_form_data(upload(jpeg(), name="marche-noel.jpg"), alt_text=""))

    assert response.status_code == 200
    html = response.content.decode()
    assert MISSING_ALT_TEXT in html and "est gardé" not in html  # to be chosen again, the form says why
    assert stored_files() == []


@pytest.fixture
def tiny_media_disk(settings):
    """MEDIA_ROOT on a real 256 KB disk (a tmpfs), for the kernel's own ENOSPC."""
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(root)], capture_output=True, text=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"a tmpfs cannot be mounted here (needs root): {mounted.stderr.strip()}")
    try:
        yield root
    finally:
        subprocess.run(["umount", str(root)], check=True)


def test_a_really_full_disk_is_left_as_empty_as_it_was(editor_client, tiny_media_disk):
    noisy = encoded(Pillow.effect_noise((1600, 1200), 96).convert("RGB"), "JPEG", quality=95)

    response = editor_client.post(add_url(), image_form_data(upload(noisy), caption="Au petit matin"))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert DISK_FULL in " ".join(form.errors["file"]) and form["caption"].value() == "Au petit matin"
    assert not Image.objects.exists()
    assert stored_files() == [] and shutil.disk_usage(tiny_media_disk).used == 0
    # Nothing stayed behind to fill the disk: a small picture still fits.
    assert editor_client.post(add_url(), image_form_data(upload(jpeg((480, 320))))).status_code == 302
    assert stored_files() == all_names(Image.objects.get())


# Portraits of personalities -------------------------------------------------------------------------


def test_a_portrait_is_a_library_image_served_stripped_as_renditions(
    client, editor_client, make_personality, make_article
):
    # Uploaded through the library like any picture, then chosen for the personality.
    editor_client.post(add_url(), image_form_data(upload(phone_photo(), name="IMG_20260712_GPS.jpg")))
    portrait = Image.objects.get()
    personality = make_personality("Claire Vasseur", slug="claire-vasseur")
    make_article(personalities=[personality])  # a person's page exists through published articles
    response = editor_client.post(
        reverse("admin:articles_personality_change", args=[personality.pk]),
        {"name": "Claire Vasseur", "slug": "claire-vasseur", "role": "", "bio": "", "portrait": portrait.pk},
    )
    assert response.status_code == 302
    page = client.get(personality.get_absolute_url()).content.decode()
    shown = re.search(r'<img src="([^"]+)"[^>]*class="portrait"', page).group(1)
    assert shown == portrait.fallback_url and "/renditions/" in shown and "IMG_20260712" not in page
    served = Pillow.open(Path(settings.MEDIA_ROOT) / shown.removeprefix(settings.MEDIA_URL))
    assert not served.getexif().get_ifd(GPS_INFO) and ExifTags.Base.Make not in served.getexif()


@pytest.mark.parametrize(
    "make_file",
    [
        pytest.param(lambda: upload(phone_photo()), id="phone-photo-with-gps"),
        # The review's 144-megapixel PNG: the library refuses it (above); here it is not even opened.
        pytest.param(lambda: upload(declared_pixels_png((12000, 12000)), name="bombe.png"), id="png-bomb"),
    ],
)
def test_a_portrait_cannot_be_uploaded_around_the_library(editor_client, make_personality, make_file):
    personality = make_personality("Claire Vasseur", slug="claire-vasseur")
    response = editor_client.post(
        reverse("admin:articles_personality_change", args=[personality.pk]),
        {"name": "Claire Vasseur", "slug": "claire-vasseur", "role": "", "bio": "", "portrait": make_file()},
    )
    # « portrait » is a choice among library images: a file sent in its place is not even read.
    assert response.status_code == 302
    personality.refresh_from_db()
    assert personality.portrait is None
    assert stored_files() == []
