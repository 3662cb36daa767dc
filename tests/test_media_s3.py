"""Media on S3-compatible object storage (NEWSROOM_MEDIA_S3_*), against moto's S3 server.

Uploads through the admin land in the bucket, readers' pages point at its public (path-style)
address and those addresses answer the stored bytes; /documents/<id>/ works; copy_media_to_bucket
copies an existing MEDIA_ROOT and resumes an interrupted copy.
"""

import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from html.parser import HTMLParser
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from factories import ALT_TEXT, encoded
from PIL import ExifTags
from PIL import Image as Pillow
from site_stack import PROJECT_ROOT, free_port
from test_documents import docx, pdf, upload

from documents.checks import check_upload
from documents.models import Document
from images.models import Image
from images.storage import MediaS3Storage

pytestmark = pytest.mark.django_db

KEYS = {"NEWSROOM_MEDIA_S3_ACCESS_KEY": "testing", "NEWSROOM_MEDIA_S3_SECRET_KEY": "testing"}
GPS_INFO = ExifTags.IFD.GPSInfo


# moto's S3 server, and the site's settings pointing at it ------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """moto's S3 server on a free port of 127.0.0.1, stopped when the module's tests are done."""
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    server = subprocess.Popen(
        [Path(sys.executable).parent / "moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "moto's server did not start"
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def s3_settings(s3_endpoint):
    """The settings newsroom/settings.py makes of NEWSROOM_MEDIA_S3_* (read in a fresh process, as a
    server would), with a path-style public address: the bucket's name is a path on the endpoint."""
    environment = {
        **os.environ,
        **KEYS,
        "NEWSROOM_MEDIA_S3_BUCKET": "medias",
        "NEWSROOM_MEDIA_S3_ENDPOINT": s3_endpoint,
        "NEWSROOM_MEDIA_S3_REGION": "us-east-1",
        "NEWSROOM_MEDIA_S3_PUBLIC_URL": f"{s3_endpoint}/medias/",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    script = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'default': s.STORAGES['default'], 'MEDIA_URL': s.MEDIA_URL, "
        "'SERVE_MEDIA': s.SERVE_MEDIA, 'csp': {k: list(map(str, v)) for k, v in s.SECURE_CSP.items()}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=environment, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def bucket(s3_endpoint, s3_settings, settings):
    """A fresh bucket of moto's, the site's media storage for the test; yields a boto3 Bucket."""
    name = f"medias-{uuid.uuid4().hex[:12]}"
    s3 = boto3.resource(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    created = s3.create_bucket(Bucket=name)
    # Readers load media straight from the bucket: anyone may read its objects, as docs/media-storage.md says.
    public_read = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}
    created.Policy().put(Policy=json.dumps({"Version": "2012-10-17", "Statement": [public_read]}))
    options = s3_settings["default"]["OPTIONS"] | {
        "bucket_name": name,
        "custom_domain": s3_settings["default"]["OPTIONS"]["custom_domain"].replace("/medias", f"/{name}"),
    }
    # Django's setting_changed receiver (django.test.signals.storages_changed) forgets the storages
    # it built and empties default_storage, which every FileField holds: the next file goes to S3.
    settings.STORAGES = settings.STORAGES | {"default": {**s3_settings["default"], "OPTIONS": options}}
    settings.MEDIA_URL = s3_settings["MEDIA_URL"].replace("/medias/", f"/{name}/")
    yield created
    created.objects.all().delete()
    created.delete()


def keys(bucket) -> list[str]:
    return sorted(summary.key for summary in bucket.objects.all())


def object_bytes(bucket, name: str) -> bytes:
    return bucket.Object(name).get()["Body"].read()


def fetch(url: str):
    """A reader's browser loading a media address: (status, headers, bytes)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


def local_files() -> list[str]:
    return [str(path) for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


class MediaAddresses(HTMLParser):
    """Every src and srcset address of a page's <img> and <source> elements."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        if tag in ("img", "source"):
            attrs = dict(attrs)
            if attrs.get("src"):
                self.urls.append(attrs["src"])
            for candidate in (attrs.get("srcset") or "").split(","):
                if candidate.strip():
                    self.urls.append(candidate.split()[0])


# The settings ---------------------------------------------------------------------------------------


def test_the_settings_put_media_in_the_bucket_at_its_path_style_public_address(s3_settings, s3_endpoint):
    storage = s3_settings["default"]
    assert storage["BACKEND"] == "images.storage.MediaS3Storage"
    host = s3_endpoint.removeprefix("http://")
    assert storage["OPTIONS"]["custom_domain"] == f"{host}/medias"
    assert storage["OPTIONS"]["url_protocol"] == "http:"
    assert storage["OPTIONS"]["querystring_auth"] is False
    assert s3_settings["MEDIA_URL"] == f"{s3_endpoint}/medias/"
    assert s3_settings["SERVE_MEDIA"] is False  # nothing left for the app to serve under MEDIA_URL
    # Readers' pages may load pictures, and players audio and video, from there.
    assert s3_endpoint in s3_settings["csp"]["img-src"]
    assert s3_endpoint in s3_settings["csp"]["media-src"]
    url = MediaS3Storage(**storage["OPTIONS"]).url("images/renditions/ab12/480.webp")
    assert url == f"{s3_endpoint}/medias/images/renditions/ab12/480.webp"


# Images ---------------------------------------------------------------------------------------------


def located_photo() -> bytes:
    """A 1600 × 1200 JPEG carrying a GPS position and the camera's make."""
    exif = Pillow.Exif()
    exif[ExifTags.Base.Make] = "Fairphone"
    gps = exif.get_ifd(GPS_INFO)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (49.0, 7.0, 12.0)
    return encoded(Pillow.new("RGB", (1600, 1200), "teal"), "JPEG", quality=90, exif=exif)


def test_an_uploaded_image_and_its_renditions_are_in_the_bucket_and_pages_load_them_from_it(
    bucket, editor_client, make_article
):
    photo = SimpleUploadedFile("IMG_1234.jpg", located_photo(), content_type="image/jpeg")
    response = editor_client.post(
        reverse("admin:images_image_add"), {"alt_text": ALT_TEXT, "caption": "", "credit": "", "file": photo}
    )
    assert response.status_code == 302

    image = Image.objects.get()
    assert keys(bucket) == sorted(image.file_names())
    assert len(image.renditions) >= 4
    assert local_files() == []  # nothing on this machine's disk
    for name in image.file_names():
        with Pillow.open(io.BytesIO(object_bytes(bucket, name))) as stored:
            assert not stored.getexif().get_ifd(GPS_INFO) and ExifTags.Base.Make not in stored.getexif(), name
            assert not stored.info.get("exif"), name

    article = make_article("Le marché couvert rouvre", main_image=image)
    page = Client().get(article.get_absolute_url())
    assert page.status_code == 200
    parser = MediaAddresses()
    parser.feed(page.content.decode())
    public = settings.MEDIA_URL
    assert parser.urls and all(url.startswith(public) for url in parser.urls), parser.urls
    assert {url.removeprefix(public) for url in parser.urls} <= image.file_names()
    for url in set(parser.urls):
        status, headers, body = fetch(url)
        assert status == 200
        assert body == object_bytes(bucket, url.removeprefix(public))
        # Never rewritten under the same name: browsers and CDNs may keep it a year.
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_file_kept_for_the_next_try_waits_in_the_bucket(bucket, editor_client, django_capture_on_commit_callbacks):
    photo = SimpleUploadedFile("marche-noel.jpg", located_photo(), content_type="image/jpeg")
    add = reverse("admin:images_image_add")
    response = editor_client.post(add, {"alt_text": "", "caption": "", "credit": "", "file": photo})
    assert response.status_code == 200
    token = re.search(r'name="kept_upload" value="([^"]+)"', response.content.decode()).group(1)
    assert [key.startswith("images/kept/") for key in keys(bucket)] == [True]

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(add, {"alt_text": ALT_TEXT, "caption": "", "credit": "", "kept_upload": token})
    assert response.status_code == 302
    assert keys(bucket) == sorted(Image.objects.get().file_names())  # the kept file is gone


def test_a_bucket_out_of_reach_gets_the_french_message_and_keeps_the_texts(bucket, editor_client, settings):
    unreachable = settings.STORAGES["default"] | {
        "OPTIONS": settings.STORAGES["default"]["OPTIONS"] | {"endpoint_url": f"http://127.0.0.1:{free_port()}"}
    }
    settings.STORAGES = settings.STORAGES | {"default": unreachable}
    photo = SimpleUploadedFile("marche.jpg", located_photo(), content_type="image/jpeg")
    response = editor_client.post(
        reverse("admin:images_image_add"), {"alt_text": ALT_TEXT, "caption": "Le marché", "credit": "", "file": photo}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "le stockage des images est indisponible" in html
    assert "Le marché" in html
    assert not Image.objects.exists()


def test_deleting_an_image_deletes_its_objects(bucket, make_image, django_capture_on_commit_callbacks):
    image = make_image()
    assert keys(bucket) == sorted(image.file_names())
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert keys(bucket) == []


# Documents ------------------------------------------------------------------------------------------


def test_a_document_goes_to_the_bucket_and_its_stable_address_works(bucket, journalist_client, make_article):
    response = journalist_client.post(
        reverse("admin:documents_document_add"),
        {"file": upload(pdf(), "budget.pdf"), "title": "Budget primitif 2024"},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert keys(bucket) == [document.file.name]
    stored = object_bytes(bucket, document.file.name)
    assert stored.startswith(b"%PDF-") and b"Jeanne Martin" not in stored  # rewritten without its author
    reader = Client()

    # Not yet in a published article: staff get it, streamed from the bucket; readers do not.
    assert reader.get(document.get_absolute_url()).status_code == 404
    private = journalist_client.get(document.get_absolute_url())
    assert private.status_code == 200
    assert b"".join(private.streaming_content) == stored
    assert "no-store" in private["Cache-Control"]

    # Public: a PDF is sent to the bucket's address, which answers it (and byte ranges) itself.
    make_article("Le budget voté", body=f'<p><a href="{document.get_absolute_url()}">Le budget</a></p>')
    public = reader.get(document.get_absolute_url())
    assert public.status_code == 302
    assert public["Location"] == f"{settings.MEDIA_URL}{document.file.name}"
    assert "max-age=3600" in public["Cache-Control"]
    status, headers, body = fetch(public["Location"])
    assert (status, headers["Content-Type"], body) == (200, "application/pdf", stored)
    assert headers["Cache-Control"] == "public, max-age=3600"
    again = reader.get(document.get_absolute_url(), headers={"If-None-Match": public["ETag"]})
    assert again.status_code == 304


def test_an_office_file_is_streamed_under_the_title_s_name(bucket, make_article):
    document = Document(title="Compte rendu du conseil")
    document.attach(check_upload(upload(docx(), "cr.docx")))
    document.save()
    make_article("Le conseil", body=f'<p><a href="{document.get_absolute_url()}">Le compte rendu</a></p>')

    response = Client().get(document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == object_bytes(bucket, document.file.name)
    assert response["Content-Disposition"].startswith("attachment;")
    assert "compte-rendu-du-conseil.docx" in response["Content-Disposition"]

    bucket.Object(document.file.name).delete()  # lost from the bucket: a 404, not an error
    assert Client().get(document.get_absolute_url()).status_code == 404


# Copying an existing MEDIA_ROOT ---------------------------------------------------------------------


@pytest.fixture
def old_media(tmp_path) -> dict[str, bytes]:
    """A MEDIA_ROOT as a site on one machine has it: name → bytes."""
    files = {
        "images/originals/ab12.jpg": b"\xff\xd8 original " * 50,
        "images/renditions/ab12/480.webp": b"RIFF webp " * 20,
        "images/renditions/ab12/480.jpeg": b"\xff\xd8 rendition " * 30,
        "documents/5f3e.pdf": b"%PDF-1.7 budget " * 100,
        "documents/9c1d.mp4": os.urandom(300_000),
    }
    for name, data in files.items():
        path = Path(settings.MEDIA_ROOT) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


def copy(*arguments) -> str:
    out = io.StringIO()
    call_command("copy_media_to_bucket", *arguments, stdout=out, stderr=out)
    return out.getvalue()


def test_the_copy_command_copies_media_root_once(bucket, old_media):
    assert "5 fichier(s) à copier" in copy("--dry-run")
    assert keys(bucket) == []

    assert "5 fichier(s) copié(s)" in copy()
    assert keys(bucket) == sorted(old_media)
    for name, data in old_media.items():
        assert object_bytes(bucket, name) == data
    assert bucket.Object("images/renditions/ab12/480.webp").cache_control == "public, max-age=31536000, immutable"
    assert bucket.Object("documents/5f3e.pdf").content_type == "application/pdf"

    second = copy()
    assert "0 fichier(s) copié(s)" in second and "5 déjà dans le bucket" in second


def test_an_interrupted_copy_resumes_without_copying_again(bucket, old_media, monkeypatch):
    written = []
    save = MediaS3Storage._save

    def killed_after_two(storage, name, content):
        if len(written) == 2:
            raise KeyboardInterrupt  # the operator's Ctrl-C, or the machine stopping
        written.append(name)
        return save(storage, name, content)

    monkeypatch.setattr(MediaS3Storage, "_save", killed_after_two)
    with pytest.raises(KeyboardInterrupt):
        copy()
    assert keys(bucket) == sorted(written)
    monkeypatch.setattr(MediaS3Storage, "_save", save)

    resumed = copy()
    assert "3 fichier(s) copié(s)" in resumed and "2 déjà dans le bucket" in resumed
    assert keys(bucket) == sorted(old_media)


def test_a_file_that_fails_is_reported_and_the_others_are_copied(bucket, old_media, monkeypatch):
    save = MediaS3Storage._save

    def refusing_the_video(storage, name, content):
        if name.endswith(".mp4"):
            raise OSError("connexion interrompue")
        return save(storage, name, content)

    monkeypatch.setattr(MediaS3Storage, "_save", refusing_the_video)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 fichier"):
        call_command("copy_media_to_bucket", stdout=out, stderr=out)
    assert "Échec : documents/9c1d.mp4 : connexion interrompue" in out.getvalue()
    assert "4 fichier(s) copié(s)" in out.getvalue()
    assert keys(bucket) == sorted(set(old_media) - {"documents/9c1d.mp4"})


def test_an_object_of_another_size_is_copied_again(bucket, old_media):
    bucket.put_object(Key="documents/5f3e.pdf", Body=b"%PDF- cut short")
    assert "5 fichier(s) copié(s)" in copy()
    assert object_bytes(bucket, "documents/5f3e.pdf") == old_media["documents/5f3e.pdf"]


def test_the_copy_command_refuses_local_storage(old_media):
    with pytest.raises(CommandError, match="NEWSROOM_MEDIA_S3_BUCKET"):
        copy()
