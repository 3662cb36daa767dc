"""The document library as the newsroom uses it: uploads through the admin, refusals, the public
address, the editor's JSON, and how articles show a document or play a recording."""

import io
import shutil
import struct
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from test_images import disk_fills_up, stored_files, tiny_media_disk  # noqa: F401 (a fixture)

from documents import visibility
from documents.checks import check_upload
from documents.models import Document
from documents.rendering import document_meta, render_media
from documents.sizes import human_size

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
DISK_FULL = "Le disque du serveur est plein"


# Files a journalist might send ----------------------------------------------------------------


def pdf(pages=2, author="Jeanne Martin") -> bytes:
    """A real PDF made with pypdf, signed by its author and software, with XMP metadata too."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    writer.add_metadata({"/Author": author, "/Creator": "Microsoft Word", "/Producer": "Acrobat Distiller"})
    writer.xmp_metadata = f"<x:xmpmeta><dc:creator>{author}</dc:creator></x:xmpmeta>".encode()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


OOXML_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CORE = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Budget 2024</dc:title>'
    "<dc:creator>Jeanne Martin</dc:creator><cp:lastModifiedBy>Paul Durand</cp:lastModifiedBy></cp:coreProperties>"
)
APP = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Company>Mairie de Metz</Company><Template>C:\\Users\\jmartin\\Normal.dotm</Template><Pages>3</Pages></Properties>"
)


def docx(main_type=DOCX_MAIN, extra=()) -> bytes:
    """A Word file as zipfile writes it: content types, relations, the text and the properties."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{OOXML_TYPES}"><Override PartName="/word/document.xml" ContentType="{main_type}"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(
            "word/document.xml", "<w:document xmlns:w='w'><w:body>Le budget primitif</w:body></w:document>"
        )
        archive.writestr("docProps/core.xml", CORE)
        archive.writestr("docProps/app.xml", APP)
        for name, content in extra:
            archive.writestr(name, content)
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
        archive.writestr(
            "content.xml", "<office:document-content xmlns:office='o'>Compte rendu</office:document-content>"
        )
        archive.writestr(
            "meta.xml",
            '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            "<office:meta><meta:initial-creator>Jeanne Martin</meta:initial-creator><dc:creator>Paul Durand</dc:creator>"
            "</office:meta></office:document-meta>",
        )
    return out.getvalue()


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(handler=b"vide", brand=b"isom", media_bytes=2048) -> bytes:
    """An MP4 as phones write it: ftyp, the index of tracks (moov) and the media data (mdat)."""
    hdlr = box(b"hdlr", b"\0" * 8 + handler + b"\0" * 12 + b"VideoHandler\0")
    moov = box(b"moov", box(b"trak", box(b"mdia", hdlr)))
    return box(b"ftyp", brand + b"\0\0\0\0" + brand + b"mp41") + moov + box(b"mdat", bytes(media_bytes))


def mp3(comment=b"") -> bytes:
    """An MP3 with its ID3 tags (a comment in them, if given), then four MPEG layer III frames."""
    body = (b"COMM" + struct.pack(">I", len(comment)) + b"\0\0" + comment) if comment else b"\0" * 10
    size = len(body)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x04\x00\x00" + syncsafe + body + (b"\xff\xfb\x90\x64" + b"\0" * 413) * 4


def upload(data: bytes, name: str, content_type="application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def add_url():
    return reverse("admin:documents_document_add")


def library_url(**query):
    url = reverse("admin:documents_document_library")
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def stored(document: Document) -> bytes:
    return (Path(settings.MEDIA_ROOT) / document.file.name).read_bytes()


@pytest.fixture
def make_document(db, make_article):
    """A document of the library; ``shown`` (the default): linked from a published article, so readers may
    download it (articles.models.articles.document_under_embargo)."""

    def make(data=None, name="budget.pdf", shown=True, **fields):
        document = Document(title=fields.pop("title", "Budget primitif 2024"), **fields)
        document.attach(check_upload(upload(data or pdf(), name)))
        document.save()
        if shown:
            make_article(f"À propos de {document.title}", body=f'<p><a href="/documents/{document.pk}/">Lire</a></p>')
        return document

    return make


def test_a_document_reaches_readers_with_the_first_published_article_that_shows_it(
    journalist_client, make_document, make_article
):
    client = Client()  # a reader (journalist_client is the test's client, signed in)
    document = make_document(shown=False)
    assert client.get(document.get_absolute_url()).status_code == 404  # under embargo: guessed, not found
    assert journalist_client.get(document.get_absolute_url()).status_code == 200

    link = f'<p><a href="/documents/{document.pk}/">Le budget</a></p>'
    draft = make_article("Le budget en préparation", body=link, status="draft")
    assert client.get(document.get_absolute_url()).status_code == 404
    draft.status = "published"
    draft.save()
    assert client.get(document.get_absolute_url()).status_code == 200


# Uploads through the admin -----------------------------------------------------------------------


def test_a_pdf_is_stored_under_a_random_name_without_its_author_and_software(journalist_client, journalist):
    source = pdf(pages=3)
    assert b"Jeanne Martin" in source

    response = journalist_client.post(
        add_url(), {"file": upload(source, "Budget 2024 (version finale).pdf"), "title": "Budget primitif 2024"}
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.kind, document.file_format, document.content_type) == ("pdf", "pdf", "application/pdf")
    assert document.page_count == 3 and document.uploaded_by == journalist
    assert document.file.name.startswith("documents/") and "Budget" not in document.file.name
    data = stored(document)
    assert document.size == len(data)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 3
    assert reader.metadata is None and reader.xmp_metadata is None
    assert b"Jeanne Martin" not in data and b"Acrobat" not in data and b"Microsoft Word" not in data


def test_a_word_file_keeps_its_text_and_loses_its_authors_company_and_template(journalist_client):
    response = journalist_client.post(add_url(), {"file": upload(docx(), "budget.docx"), "title": "Budget"})

    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.kind, document.file_format) == ("office", "docx")
    archive = zipfile.ZipFile(io.BytesIO(stored(document)))
    assert b"Le budget primitif" in archive.read("word/document.xml")
    core, app = archive.read("docProps/core.xml"), archive.read("docProps/app.xml")
    assert b"Jeanne Martin" not in core and b"Paul Durand" not in core and b"Budget 2024" in core
    assert b"Mairie de Metz" not in app and b"jmartin" not in app and b"<Pages>3</Pages>" in app


def test_an_opendocument_text_loses_its_creators_and_keeps_its_mimetype_first(journalist_client):
    response = journalist_client.post(add_url(), {"file": upload(odt(), "compte-rendu.odt"), "title": "CR"})

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file_format == "odt"
    archive = zipfile.ZipFile(io.BytesIO(stored(document)))
    first = archive.infolist()[0]
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    meta = archive.read("meta.xml")
    assert b"Jeanne Martin" not in meta and b"Paul Durand" not in meta


def test_an_empty_title_is_the_file_s_name(journalist_client):
    assert journalist_client.post(add_url(), {"file": upload(pdf(), "budget_primitif-2024.pdf")}).status_code == 302
    assert Document.objects.get().title == "budget primitif 2024"


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        pytest.param(
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "budget.pdf",
            "« budget.pdf » n’est pas un PDF : c’est une page web (HTML).",
            id="html-as-pdf",
        ),
        pytest.param(
            b"\x7fELF\x02\x01\x01" + b"\0" * 200,
            "incendie.mp4",
            "« incendie.mp4 » n’est pas une vidéo : c’est un programme (exécutable).",
            id="elf-as-mp4",
        ),
        pytest.param(
            b"MZ\x90\x00\x03" + b"\0" * 200,
            "incendie.mp4",
            "« incendie.mp4 » n’est pas une vidéo : c’est un programme (exécutable).",
            id="windows-program-as-mp4",
        ),
        pytest.param(b"#!/bin/sh\nrm -rf /\n", "son.mp3", "c’est un script", id="script-as-mp3"),
        pytest.param(b"Bonjour, ceci est du texte", "notes.txt", "Ce type de fichier n’est pas accepté", id="unknown"),
        pytest.param(b"", "vide.pdf", "Le fichier est vide", id="empty"),
        pytest.param(b"%PDF-1.7\nnot really a pdf", "casse.pdf", "Ce PDF est endommagé", id="broken-pdf"),
        pytest.param(
            docx(
                main_type="application/vnd.ms-word.document.macroEnabled.main+xml", extra=[("word/vbaProject.bin", "")]
            ),
            "budget.docm",
            "contient des macros",
            id="docm",
        ),
        pytest.param(
            docx(extra=[("../../evil.txt", "x")]), "budget.docx", "un de ses chemins sort du document", id="traversal"
        ),
        pytest.param(
            docx(extra=[("word/embeddings/setup.exe", "x")]), "b.docx", "contient un programme", id="exe-in-zip"
        ),
        pytest.param(
            docx(extra=[("word/media/image1.png", b"MZ\x90\x00")]),
            "b.docx",
            "contient un programme",
            id="program-in-zip",
        ),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "vieux.doc", "d’avant 2007", id="legacy-doc"),
        pytest.param(mp4()[:40] + b"garbage!" * 10, "clip.mp4", "endommagé ou incomplet", id="broken-mp4"),
    ],
)
def test_a_refused_file_is_said_in_french_next_to_the_field_and_nothing_is_stored(
    journalist_client, data, name, expected
):
    response = journalist_client.post(
        add_url(), {"file": upload(data, name), "title": "Le budget", "description": "Ce que j’ai tapé"}
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert expected in " ".join(form.errors["file"])
    assert form["title"].value() == "Le budget" and form["description"].value() == "Ce que j’ai tapé"
    assert not Document.objects.exists() and stored_files() == []


def test_too_big_is_refused_with_the_limits_of_documents_and_of_media(journalist_client, settings):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 100
    settings.MEDIA_MAX_UPLOAD_BYTES = 2048

    response = journalist_client.post(add_url(), {"file": upload(pdf(), "budget.pdf"), "title": "Budget"})
    assert f"les documents sont limités à 100{NBSP}octets" in " ".join(
        response.context["adminform"].form.errors["file"]
    )
    response = journalist_client.post(add_url(), {"file": upload(mp4(), "clip.mp4"), "title": "Clip"})
    assert f"l’audio et la vidéo sont limités à 2{NBSP}ko" in " ".join(
        response.context["adminform"].form.errors["file"]
    )
    assert not Document.objects.exists()

    settings.MEDIA_MAX_UPLOAD_BYTES = 1024 * 1024
    assert journalist_client.post(add_url(), {"file": upload(mp4(), "clip.mp4"), "title": "Clip"}).status_code == 302


def test_audio_and_video_are_recognised_by_their_bytes_and_kept_as_sent(journalist_client, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # big files reach the view as temporary files: moved, not copied
    podcast = mp3(comment=b"<html><body>Notes de l\xe2\x80\x99\xc3\xa9mission</body></html>")
    for data, name in [
        (mp4(), "incendie.mp4"),
        (mp4(brand=b"qt  "), "iphone.mov"),
        (mp3(), "x.bin"),
        (podcast, "p.mp3"),
    ]:
        assert journalist_client.post(add_url(), {"file": upload(data, name), "title": name}).status_code == 302
    mp4_video, mov, audio, tagged = Document.objects.order_by("pk")
    assert (mp4_video.kind, mp4_video.content_type) == ("video", "video/mp4")
    assert (mov.kind, mov.content_type) == ("video", "video/quicktime")
    assert (audio.kind, audio.file_format, audio.content_type) == ("audio", "mp3", "audio/mpeg")
    assert stored(mp4_video) == mp4() and stored(audio) == mp3()
    assert tagged.file_format == "mp3" and stored(tagged) == podcast  # HTML quoted in its tags is no page


def test_an_mp4_with_only_sound_is_audio_and_takes_no_poster(journalist_client, make_image):
    image = make_image()
    response = journalist_client.post(
        add_url(), {"file": upload(mp4(handler=b"soun"), "podcast.mp4"), "title": "Podcast", "poster": image.pk}
    )
    assert "Seule une vidéo a une image d’attente" in " ".join(response.context["adminform"].form.errors["poster"])
    assert journalist_client.post(add_url(), {"file": upload(mp4(handler=b"soun"), "podcast.mp4")}).status_code == 302
    assert (Document.objects.get().kind, Document.objects.get().content_type) == ("audio", "audio/mp4")


def test_a_full_disk_gets_a_french_message_keeps_the_texts_and_leaves_no_file(journalist_client, monkeypatch):
    disk_fills_up(monkeypatch, at=lambda number, name: name.startswith("documents/"))

    response = journalist_client.post(
        add_url(), {"file": upload(pdf(), "budget.pdf"), "title": "Budget", "description": "Voté le 12 mars"}
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert DISK_FULL in " ".join(form.errors["file"])
    assert form["title"].value() == "Budget" and form["description"].value() == "Voté le 12 mars"
    assert not Document.objects.exists() and stored_files() == []


@pytest.mark.usefixtures("tiny_media_disk")  # MEDIA_ROOT on a real 256 KB disk, for the kernel's own ENOSPC
def test_a_really_full_disk_is_left_as_empty_as_it_was(journalist_client, settings):
    # As a real video arrives: written by Django to a temporary file, which the storage then moves.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    video = mp4(media_bytes=400 * 1024)  # larger than the 256 KB disk

    response = journalist_client.post(add_url(), {"file": upload(video, "clip.mp4"), "description": "Transcription"})

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert DISK_FULL in " ".join(form.errors["file"]) and form["description"].value() == "Transcription"
    assert not Document.objects.exists() and stored_files() == []
    assert shutil.disk_usage(settings.MEDIA_ROOT).used == 0
    assert journalist_client.post(add_url(), {"file": upload(pdf(), "budget.pdf")}).status_code == 302


def test_a_replaced_file_keeps_the_address_and_drops_the_old_file(
    editor_client, make_document, django_capture_on_commit_callbacks
):
    document = make_document(title="Budget")
    old_name = document.file.name
    change_url = reverse("admin:documents_document_change", args=[document.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(change_url, {"file": upload(docx(), "budget.docx"), "title": "Budget"})

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.file_format == "docx" and document.file.name != old_name
    assert stored_files() == [document.file.name]
    with django_capture_on_commit_callbacks(execute=True):
        document.delete()
    assert stored_files() == []


# Who may do what ---------------------------------------------------------------------------------


def test_journalists_add_and_change_editors_also_delete_moderators_see_nothing(
    journalist_client, editor, moderator_client, make_document
):
    document = make_document()
    delete_url = reverse("admin:documents_document_delete", args=[document.pk])
    assert journalist_client.get(add_url()).status_code == 200
    assert journalist_client.get(delete_url).status_code == 403
    assert moderator_client.get(add_url()).status_code == 403
    assert moderator_client.get(library_url()).status_code == 403
    editor_client = Client()
    editor_client.force_login(editor)
    assert editor_client.get(delete_url).status_code == 200
    assert Client().get(library_url()).status_code == 302  # to the sign-in page


def test_the_list_shows_title_format_size_and_finds_by_title(journalist_client, make_document):
    budget = make_document(title="Budget primitif 2024")
    make_document(docx(), name="cr.docx", title="Compte rendu du conseil")

    html = journalist_client.get(reverse("admin:documents_document_changelist") + "?q=budget").content.decode()

    assert "Budget primitif 2024" in html and "Compte rendu" not in html
    assert "Ajouter un document" in html and f'<td class="field-size_shown">{human_size(budget.size)}</td>' in html


# The public address ------------------------------------------------------------------------------


def test_the_public_address_serves_the_file_with_its_real_type_and_a_name_from_its_title(client, make_document):
    document = make_document(title="Budget primitif 2024 : la version votée")

    response = client.get(f"/documents/{document.pk}/")

    assert document.get_absolute_url() == f"/documents/{document.pk}/"
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content) == stored(document)
    assert response["Content-Type"] == "application/pdf" and response["Content-Length"] == str(document.size)
    assert response["Content-Disposition"] == 'inline; filename="budget-primitif-2024-la-version-votee.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    assert response["Accept-Ranges"] == "bytes"

    again = client.get(f"/documents/{document.pk}/", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_an_office_file_is_saved_not_shown(client, make_document):
    document = make_document(docx(), name="x.docx", title="Compte rendu")
    response = client.get(document.get_absolute_url())
    assert response["Content-Disposition"] == 'attachment; filename="compte-rendu.docx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")


def test_a_video_is_served_by_byte_ranges_for_players_that_seek(client, make_document):
    data = mp4()
    document = make_document(data, name="clip.mp4", title="Incendie")

    response = client.get(document.get_absolute_url(), headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(data)}" and response["Content-Length"] == "100"
    assert b"".join(response.streaming_content) == data[100:200]
    assert response["Content-Disposition"] == 'inline; filename="incendie.mp4"'

    tail = client.get(document.get_absolute_url(), headers={"Range": "bytes=-10"})
    assert b"".join(tail.streaming_content) == data[-10:]
    assert client.get(document.get_absolute_url(), headers={"Range": f"bytes={len(data)}-"}).status_code == 416


def test_an_unknown_document_is_a_french_404(client):
    response = client.get("/documents/999999/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_the_page_cache_never_keeps_a_document(client, make_document, settings, tmp_path):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path / "c")}
    }
    settings.PAGE_CACHE_SECONDS = 3600
    document = make_document()
    for _ in range(2):
        response = client.get(document.get_absolute_url())
        assert response.streaming and "X-Cache" not in response
        assert b"".join(response.streaming_content) == stored(document)


def test_a_document_nothing_releases_is_hidden_from_readers_not_from_the_newsroom(journalist_client, make_document):
    document = make_document(shown=False)

    assert Client().get(document.get_absolute_url()).status_code == 404
    response = journalist_client.get(document.get_absolute_url())
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_any_registered_release_lets_readers_download(make_document):
    document = make_document(shown=False)

    def released(candidate):
        return candidate.pk == document.pk

    visibility.register(released)
    try:
        assert Client().get(document.get_absolute_url()).status_code == 200
    finally:
        visibility.unregister(released)
    assert Client().get(document.get_absolute_url()).status_code == 404


# The editor's library ----------------------------------------------------------------------------


def test_the_library_lists_finds_and_filters_documents(journalist_client, make_document):
    budget = make_document(title="Budget primitif 2024")
    clip = make_document(mp4(), name="clip.mp4", title="L’incendie de la rue Serpenoise")

    everything = journalist_client.get(library_url()).json()["documents"]
    assert [entry["id"] for entry in everything] == [clip.pk, budget.pk]
    assert everything[1] == {
        "id": budget.pk,
        "title": "Budget primitif 2024",
        "kind": "pdf",
        "kind_label": "PDF",
        "meta": document_meta(budget),
        "url": f"/documents/{budget.pk}/",
    }
    assert [entry["id"] for entry in journalist_client.get(library_url(q="budget")).json()["documents"]] == [budget.pk]
    assert [entry["id"] for entry in journalist_client.get(library_url(kind="media")).json()["documents"]] == [clip.pk]
    assert journalist_client.get(library_url(kind="audio")).json()["documents"] == []


def test_the_library_takes_an_upload_and_answers_in_json(journalist_client):
    response = journalist_client.post(library_url(), {"file": upload(pdf(), "budget.pdf"), "title": "Budget"})

    assert response.status_code == 201
    document = Document.objects.get()
    assert response.json()["document"]["id"] == document.pk and response.json()["document"]["kind"] == "pdf"


def test_the_library_refuses_in_french_by_field(journalist_client):
    response = journalist_client.post(
        library_url(), {"file": upload(b"\x7fELF" + b"\0" * 60, "clip.mp4"), "title": "x"}
    )

    assert response.status_code == 400
    assert "n’est pas une vidéo : c’est un programme" in response.json()["errors"]["file"][0]
    assert not Document.objects.exists()


def test_the_library_refuses_an_upload_without_the_csrf_token(journalist):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(journalist)
    response = browser.post(library_url(), {"file": upload(pdf(), "budget.pdf"), "title": "Budget"})
    assert response.status_code == 403 and not Document.objects.exists()


def test_the_library_full_disk_says_so_in_json(journalist_client, monkeypatch):
    disk_fills_up(monkeypatch, at=lambda number, name: True)
    response = journalist_client.post(library_url(), {"file": upload(mp4(), "clip.mp4"), "title": "Clip"})
    assert response.status_code == 400 and DISK_FULL in response.json()["errors"]["file"][0]
    assert stored_files() == []


# How articles show them --------------------------------------------------------------------------


def test_sizes_are_written_the_french_way():
    assert human_size(820) == f"820{NBSP}octets"
    assert human_size(1) == f"1{NBSP}octet"
    assert human_size(12 * 1024 + 300) == f"12{NBSP}ko"
    assert human_size(int(1.2 * 1024 * 1024)) == f"1,2{NBSP}Mo"
    assert human_size(50 * 1024 * 1024) == f"50{NBSP}Mo"
    assert human_size(3 * 1024**3 + 400 * 1024**2) == f"3,4{NBSP}Go"


def test_document_meta_names_the_format_and_its_size(make_document):
    document = make_document()
    document.size = int(1.2 * 1024 * 1024)
    assert document_meta(document) == f"PDF, 1,2{NBSP}Mo"
    document.file_format, document.size = "docx", 350 * 1024
    assert document_meta(document) == f"Word, 350{NBSP}ko"


def test_a_video_plays_with_the_browser_s_controls_its_poster_and_its_transcript(
    make_document, make_image, django_assert_num_queries
):
    poster = make_image()
    video = make_document(mp4(), name="clip.mp4", title="L’incendie", description="Les pompiers arrivent.\n\nFin.")
    video.poster = poster
    video.save()
    video = Document.objects.select_related("poster").get(pk=video.pk)

    with django_assert_num_queries(0):
        html = render_media(video, "Filmé par un lecteur <em>vers 22 h</em>")

    assert html.startswith('<figure class="figure media media--video"><video controls preload="none" poster="')
    assert f'poster="{poster.fallback_url}"' in html
    assert f'<source src="/documents/{video.pk}/" type="video/mp4">' in html
    assert f'<a href="/documents/{video.pk}/">Télécharger la vidéo «{NBSP}L’incendie{NBSP}»</a>' in html
    assert '<details class="media__transcript"><summary>Transcription</summary><p>Les pompiers arrivent.</p>' in html
    assert html.endswith("<figcaption>Filmé par un lecteur <em>vers 22 h</em></figcaption></figure>")
    assert "<script" not in html and "style=" not in html


def test_audio_has_no_poster_and_a_quicktime_video_no_source_type(make_document):
    audio = make_document(mp3(), name="interview.mp3", title="Interview <b>exclusive</b>")
    html = render_media(audio, "")
    assert "Interview &lt;b&gt;exclusive&lt;/b&gt;" in html and "<b>" not in html
    assert '<audio controls preload="none"><source src="' in html and 'type="audio/mpeg"' in html
    assert "<figcaption>" not in html and "<details" not in html
    mov = make_document(mp4(brand=b"qt  "), name="iphone.mov", title="Vidéo")
    assert f'<source src="/documents/{mov.pk}/">' in render_media(mov, "")
