"""``import_wordpress --fetch-media`` and ``--media-dir``: attachments into the image and document libraries.

The downloads are tested against a local HTTP server started here (http.server in a thread on
127.0.0.1). Loopback is refused by wordpress.fetch's guard like any private address: the tests
allow 127.0.0.0/8 through the policy's ``allowed_networks`` (never settable from the command
line), and check that every private address is still refused besides.
"""

import ipaddress
import re
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from factories import jpeg

from articles.management.commands.load_demo import draw_pdf
from bench import wxr
from documents.models import Document
from images.models import Image
from wordpress.fetch import FetchError, FetchPolicy, fetch, refused_address
from wordpress.importer import Options, WordPressImport
from wordpress.models import ImportedItem

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
HOST = "ancien.test"  # the old site's name, resolved by the tests' own « DNS » to 127.0.0.1


def mp3() -> bytes:
    """An MP3 with an empty ID3 tag, then four MPEG layer III frames (as tests/test_documents.py)."""
    return b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\0" * 10 + (b"\xff\xfb\x90\x64" + b"\0" * 413) * 4


class OldSite:
    """The old WordPress site: files by path, a few misbehaving addresses, and every request counted."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.requests: list[str] = []
        self.failing: set[str] = set()  # paths answering 500 (a site down for a moment)
        self.redirects: dict[str, str] = {}
        test = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                test.requests.append(self.path)
                if self.path in test.redirects:
                    self.send_response(302)
                    self.send_header("Location", test.redirects[self.path])
                    self.end_headers()
                elif self.path == "/lent":  # headers at once, then nothing for a long time
                    self.send_response(200)
                    self.send_header("Content-Length", "10")
                    self.end_headers()
                    time.sleep(3)
                elif self.path == "/goutte-a-goutte":  # a byte now and then: never a read timeout
                    self.send_response(200)
                    self.send_header("Content-Length", "100")
                    self.end_headers()
                    for _ in range(100):
                        try:
                            self.wfile.write(b"x")
                            self.wfile.flush()
                        except OSError:
                            return
                        time.sleep(0.1)
                elif self.path == "/sans-longueur":  # no Content-Length: read until the connection closes
                    self.send_response(200)
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(b"y" * 5000)
                elif self.path in test.failing or self.path not in test.files:
                    self.send_response(500 if self.path in test.failing else 404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    data = test.files[self.path]
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.root = f"http://{HOST}:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def asked(self, path: str) -> int:
        return self.requests.count(path)


@pytest.fixture
def old_site():
    site = OldSite()
    yield site
    site.server.shutdown()
    site.server.server_close()


def resolve(host, port):
    return {HOST: ["127.0.0.1"], "prive.test": ["192.168.1.20"], "double.test": ["93.184.216.34", "10.0.0.7"]}[host]


def policy(**changes) -> FetchPolicy:
    values = {
        "max_bytes": 10_000_000,
        "allowed_networks": LOOPBACK,
        "resolve": resolve,
        "read_timeout": 2,
        "deadline": 5,
    }
    return FetchPolicy(**{**values, **changes})


# The guard ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/wp-content/uploads/photo.jpg",
        "http://10.0.0.1/wp-content/uploads/photo.jpg",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/wp-content/uploads/photo.jpg",
        "http://[::ffff:127.0.0.1]:{port}/photo.jpg",
        "http://0.0.0.0:{port}/photo.jpg",
        "http://prive.test/photo.jpg",  # a name resolving to a private address
        "http://double.test/photo.jpg",  # one public address and one private: the name is refused
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(old_site, tmp_path, url):
    old_site.files["/wp-content/uploads/photo.jpg"] = b"secret"
    guarded = policy(allowed_networks=())  # production's: nothing but public addresses
    with pytest.raises(FetchError, match="adresse refusée"):
        fetch(url.format(port=old_site.port), tmp_path / "photo.jpg", guarded)
    assert old_site.requests == [] and not (tmp_path / "photo.jpg").exists()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://ancien.test/x.jpg", "gopher://ancien.test/"])
def test_only_http_and_https(tmp_path, url):
    with pytest.raises(FetchError, match="seuls http et https"):
        fetch(url, tmp_path / "x", policy())


def test_a_redirect_to_a_private_address_is_refused(old_site, tmp_path):
    old_site.redirects["/wp-content/uploads/photo.jpg"] = "http://169.254.169.254/latest/meta-data/iam/"
    old_site.redirects["/ailleurs.jpg"] = "http://prive.test/interne.jpg"
    for path in ("/wp-content/uploads/photo.jpg", "/ailleurs.jpg"):
        with pytest.raises(FetchError, match="adresse refusée"):
            fetch(f"{old_site.root}{path}", tmp_path / "photo.jpg", policy())
    # A redirect to an allowed address is followed.
    old_site.files["/vrai.jpg"] = b"ok"
    old_site.redirects["/ancien.jpg"] = "/vrai.jpg"
    assert fetch(f"{old_site.root}/ancien.jpg", tmp_path / "ok.jpg", policy()) == 2


def test_the_guard_sees_through_every_disguise_of_a_private_address():
    for address in ("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.0.1", "169.254.169.254", "100.64.0.1",
                    "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "fe80::1", "fc00::1", "::ffff:10.0.0.1",
                    "::", "ff02::1", "not an address"):  # fmt: skip
        assert refused_address(address), address
    assert not refused_address("93.184.216.34") and not refused_address("2606:2800:220:1:248:1893:25c8:1946")
    assert not refused_address("127.0.0.1", LOOPBACK)


def test_an_oversize_file_is_stopped_whatever_its_headers_say(old_site, tmp_path):
    old_site.files["/gros.jpg"] = b"z" * 5000
    with pytest.raises(FetchError, match="trop lourd"):
        fetch(f"{old_site.root}/gros.jpg", tmp_path / "gros.jpg", policy(max_bytes=1000))
    with pytest.raises(FetchError, match="trop lourd"):  # no Content-Length: stopped while reading
        fetch(f"{old_site.root}/sans-longueur", tmp_path / "gros.jpg", policy(max_bytes=1000))
    assert not (tmp_path / "gros.jpg").exists()


def test_a_slow_server_hits_the_timeout_and_a_dripping_one_the_deadline(old_site, tmp_path):
    started = time.monotonic()
    with pytest.raises(FetchError, match="délai dépassé"):
        fetch(f"{old_site.root}/lent", tmp_path / "lent", policy(read_timeout=0.5))
    assert time.monotonic() - started < 2
    started = time.monotonic()
    with pytest.raises(FetchError, match="délai dépassé"):
        fetch(f"{old_site.root}/goutte-a-goutte", tmp_path / "goutte", policy(read_timeout=1, deadline=1))
    assert time.monotonic() - started < 3
    assert not (tmp_path / "lent").exists() and not (tmp_path / "goutte").exists()


# The import with --fetch-media --------------------------------------------------------------------


def attachment(site_root, post_id, path, *, parent=0, alt=None, title="Photo", order=0, caption=""):
    meta = {"_wp_attached_file": path}
    if alt is not None:
        meta["_wp_attachment_image_alt"] = alt
    return wxr.Item(
        post_id, title, slug=f"fichier-{post_id}", status="inherit", post_type="attachment", parent=parent,
        menu_order=order, attachment_url=f"{site_root}/wp-content/uploads/{path}", meta=meta, excerpt=caption,
    )  # fmt: skip


def post(site_root, post_id, content, **fields):
    return wxr.Item(
        post_id, f"Article {post_id}", slug=f"article-{post_id}", content=content,
        link=f"{site_root}/article-{post_id}/", date_gmt=datetime(2024, 5, 14, 9, 30, tzinfo=UTC), **fields,
    )  # fmt: skip


def write(tmp_path: Path, site_root: str, items, name="export.xml") -> Path:
    path = tmp_path / name
    path.write_text(wxr.document(items, site=site_root), encoding="utf-8")
    return path


def run(path: Path, **options) -> str:
    return WordPressImport(path, Options(**options)).run().render()


def fetching(**changes):
    return {"fetch_media": True, "fetch_policy": policy(**changes)}


def body_of(post_id) -> str:
    return ImportedItem.objects.get(kind="post", wordpress_id=str(post_id)).article.body


def library_of(wordpress_id):
    return ImportedItem.objects.get(kind="attachment", wordpress_id=str(wordpress_id))


def site_items(root):
    uploads = f"{root}/wp-content/uploads"
    return [
        post(root, 1, (
            f'<p><img class="wp-image-11" src="{uploads}/2024/05/maire-1024x683.jpg" alt="Le maire devant la mairie"></p>'
            f'<p>Le <a href="{uploads}/2024/05/budget.pdf">budget primitif</a> est en ligne.</p>'
            f"[gallery]\n\n"
            f'[audio mp3="{uploads}/2024/05/interview.mp3"][/audio]'
        ), meta={"_thumbnail_id": "10"}),
        attachment(root, 10, "2024/05/une.jpg", parent=1, alt="La place du marché un samedi", order=3),
        attachment(root, 11, "2024/05/maire.jpg", parent=1, alt="DSC_0042", order=1),
        attachment(root, 12, "2024/05/budget.pdf", parent=1, title="Budget primitif 2024"),
        attachment(root, 13, "2024/05/interview.mp3", parent=1, title="Entretien avec le maire"),
        attachment(root, 14, "2024/05/image-1.jpg", parent=1, alt="image-1.jpg", order=2),
    ]  # fmt: skip


def serve_site(old_site):
    for name, data in {
        "une.jpg": jpeg((800, 600), "#336699"),
        "maire.jpg": jpeg((800, 600), "#993366"),
        "image-1.jpg": jpeg((800, 600), "#669933"),
        "budget.pdf": draw_pdf(["Budget primitif 2024"]),
        "interview.mp3": mp3(),
    }.items():
        old_site.files[f"/wp-content/uploads/2024/05/{name}"] = data


def test_fetch_media_brings_images_and_documents_into_their_libraries(db, old_site, tmp_path):
    serve_site(old_site)
    export = write(tmp_path, old_site.root, site_items(old_site.root))
    report = run(export, **fetching())

    assert Image.objects.count() == 3 and Document.objects.count() == 2
    article = ImportedItem.objects.get(kind="post", wordpress_id="1").article
    assert article.main_image_id == library_of(10).image_id
    body = body_of(1)
    # Alt texts: the attachment's; a file name given as alt (DSC_0042) gives way to the post's <img alt>;
    # none at all (« image-1.jpg » is a file name): imported without, reported.
    assert Image.objects.get(pk=library_of(10).image_id).alt_text == "La place du marché un samedi"
    assert Image.objects.get(pk=library_of(11).image_id).alt_text == "Le maire devant la mairie"
    assert Image.objects.get(pk=library_of(14).image_id).alt_text == ""
    assert "texte alternatif manquant" in report and "2024/05/image-1.jpg" in report
    # The PDF link points to the library's stable address, the sound is its player.
    pdf = library_of(12).document
    assert pdf.title == "Budget primitif 2024" and pdf.kind == "pdf"
    assert f'<a href="/documents/{pdf.pk}/">budget primitif</a>' in body
    assert f'<figure data-media="{library_of(13).document_id}">' in body
    assert "/wp-content/uploads/" not in body
    # [gallery] without ids: the post's attached images, in their menu order (11, 14, 10).
    ids = " ".join(str(library_of(number).image_id) for number in (11, 14, 10))
    assert f'<figure data-gallery="{ids}">' in body
    assert "fichier non téléchargé" not in report


def test_a_second_run_downloads_nothing_and_adds_nothing(db, old_site, tmp_path):
    serve_site(old_site)
    export = write(tmp_path, old_site.root, site_items(old_site.root))
    run(export, **fetching())
    asked, rows = len(old_site.requests), ImportedItem.objects.count()
    run(export, **fetching())
    assert len(old_site.requests) == asked
    assert (Image.objects.count(), Document.objects.count(), ImportedItem.objects.count()) == (3, 2, rows)


def test_an_interrupted_run_resumes_with_what_is_missing_only(db, old_site, tmp_path):
    serve_site(old_site)
    old_site.failing.add("/wp-content/uploads/2024/05/une.jpg")
    old_site.files["/wp-content/uploads/2024/05/enorme.jpg"] = b"\xff\xd8" + b"z" * 300_000
    items = [*site_items(old_site.root), attachment(old_site.root, 15, "2024/05/enorme.jpg", parent=1)]
    export = write(tmp_path, old_site.root, items)
    report = run(export, **fetching(max_bytes=200_000))
    # Each failure said in French, per file; the others imported; nothing crashed.
    assert re.search(r"fichier non téléchargé.*une\.jpg : le serveur a répondu HTTP 500", report)
    assert re.search(r"fichier non téléchargé.*enorme\.jpg : fichier trop lourd \(plus de", report)
    assert ImportedItem.objects.get(kind="post", wordpress_id="1").article.main_image_id is None
    assert Image.objects.count() == 2

    old_site.failing.clear()
    before = list(old_site.requests)
    run(export, **fetching(max_bytes=200_000))
    again = old_site.requests[len(before) :]
    assert sorted(again) == ["/wp-content/uploads/2024/05/enorme.jpg", "/wp-content/uploads/2024/05/une.jpg"]
    assert ImportedItem.objects.get(kind="post", wordpress_id="1").article.main_image_id == library_of(10).image_id
    assert Image.objects.count() == 3


def test_the_downloads_run_in_parallel(db, old_site, tmp_path, monkeypatch):
    serve_site(old_site)
    threads = set()
    from wordpress import media

    real = media.fetch

    def watched(*args, **kwargs):
        threads.add(threading.current_thread().name)
        time.sleep(0.2)
        return real(*args, **kwargs)

    monkeypatch.setattr(media, "fetch", watched)
    run(write(tmp_path, old_site.root, site_items(old_site.root)), **fetching())
    assert len(threads) > 1 and all(name.startswith("wordpress-media") for name in threads)
    assert Image.objects.count() == 3


def test_attachment_addresses_of_private_networks_are_refused_in_an_import(db, old_site, tmp_path):
    root = old_site.root
    items = [
        attachment(root, 20, "2024/05/a.jpg"),
        wxr.Item(21, "Métadonnées", post_type="attachment", status="inherit",
                 attachment_url="http://169.254.169.254/latest/meta-data/x.jpg", meta={"_wp_attached_file": "x.jpg"}),
    ]  # fmt: skip
    old_site.files["/wp-content/uploads/2024/05/a.jpg"] = jpeg((100, 100))
    report = run(write(tmp_path, root, items), **fetching())
    assert "meta-data/x.jpg : adresse refusée : 169.254.169.254 mène à 169.254.169.254" in report
    assert Image.objects.count() == 1


# Split exports and --media-dir -----------------------------------------------------------------------

ROOT = "https://ancien.example.fr"


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads" / "2024/05"
    folder.mkdir(parents=True)
    for number, name in enumerate(["une.jpg", "maire.jpg", "image-1.jpg"]):
        (folder / name).write_bytes(jpeg((640, 480), ["#336699", "#993366", "#669933"][number]))
    (folder / "budget.pdf").write_bytes(draw_pdf(["Budget primitif 2024"]))
    (folder / "interview.mp3").write_bytes(mp3())
    return tmp_path / "uploads"


def split_files(tmp_path):
    items = site_items(ROOT)
    articles = write(tmp_path, ROOT, [item for item in items if item.post_type != "attachment"], "articles.xml")
    medias = write(tmp_path, ROOT, [item for item in items if item.post_type == "attachment"], "medias.xml")
    return articles, medias


def check_whole(body_ids=(11, 14, 10)):
    article = ImportedItem.objects.get(kind="post", wordpress_id="1").article
    assert article.main_image_id == library_of(10).image_id
    body = body_of(1)
    ids = " ".join(str(library_of(number).image_id) for number in body_ids)
    assert f'<figure data-gallery="{ids}">' in body
    assert f'<a href="/documents/{library_of(12).document_id}/">' in body
    assert f'<figure data-media="{library_of(13).document_id}">' in body
    assert Image.objects.count() == 3 and Document.objects.count() == 2  # no file twice


def test_articles_then_media_file_restores_featured_image_and_gallery_with_no_image_twice(db, tmp_path, uploads):
    articles, medias = split_files(tmp_path)
    run(articles, media_dir=uploads)
    # Only the files named in the text could be had (by their path); the rest waits for the « Médias » file.
    assert ImportedItem.objects.get(kind="post", wordpress_id="1").article.main_image_id is None
    assert ImportedItem.objects.get(kind="post", wordpress_id="1").pending is not None
    run(medias, media_dir=uploads)
    check_whole()
    assert ImportedItem.objects.get(kind="post", wordpress_id="1").pending is None
    # The alt text the post wrote stays; the attachment's file-name alt never replaced it.
    assert Image.objects.get(pk=library_of(11).image_id).alt_text == "Le maire devant la mairie"
    run(articles, media_dir=uploads)
    run(medias, media_dir=uploads)
    check_whole()


def test_media_then_articles_file_finds_every_file_again(db, tmp_path, uploads):
    articles, medias = split_files(tmp_path)
    run(medias, media_dir=uploads)
    assert Image.objects.count() == 3 and Document.objects.count() == 2
    # Imported before any post: the file-name alt (DSC_0042) was not kept; the post's <img alt> fills it.
    assert Image.objects.get(pk=library_of(11).image_id).alt_text == ""
    run(articles, media_dir=uploads)
    check_whole()
    assert Image.objects.get(pk=library_of(11).image_id).alt_text == "Le maire devant la mairie"


def test_articles_only_export_takes_the_alt_text_from_the_posts_img(db, tmp_path, uploads):
    articles, _medias = split_files(tmp_path)
    report = run(articles, media_dir=uploads)
    row = ImportedItem.objects.get(kind="attachment", wordpress_id="fichier:2024/05/maire.jpg")
    assert Image.objects.get(pk=row.image_id).alt_text == "Le maire devant la mairie"
    assert "texte alternatif manquant" not in report.split("2024/05/maire.jpg")[0][-200:]


def test_a_file_name_is_never_an_alt_text():
    from wordpress.media import sensible_alt

    for name in ("DSC_0042", "IMG_1234", "image-1.jpg", "IMG_1234.JPG", "FB_IMG_1468476316958.jpg"):
        assert sensible_alt(name) == "", name
    assert sensible_alt("Salon 2024", "2024/05/salon-2024.jpg") == ""  # the file's own name
    assert sensible_alt("Le maire devant la mairie", "2024/05/maire.jpg") == "Le maire devant la mairie"


def test_the_command_refuses_the_loopback_server_itself(db, old_site, tmp_path):
    """Without the tests' allowance, --fetch-media from the command line refuses 127.0.0.1 like any private address."""
    from io import StringIO

    from django.core.management import call_command

    serve_site(old_site)
    root = f"http://127.0.0.1:{old_site.port}"
    out = StringIO()
    call_command("import_wordpress", str(write(tmp_path, root, site_items(root))), "--fetch-media", stdout=out)
    assert "adresse refusée : 127.0.0.1 mène à 127.0.0.1, une adresse privée ou réservée" in out.getvalue()
    assert old_site.requests == [] and Image.objects.count() == 0 and Document.objects.count() == 0


def test_downloads_are_shown_on_the_progress_bar_and_a_dry_run_keeps_no_file(db, old_site, tmp_path, settings):
    serve_site(old_site)
    export = write(tmp_path, old_site.root, site_items(old_site.root))
    stages = []
    media_root = Path(settings.MEDIA_ROOT)
    before = {path for path in media_root.rglob("*") if path.is_file()} if media_root.exists() else set()
    WordPressImport(
        export, Options(dry_run=True, **fetching()), progress=lambda stage, at: stages.append((stage, at))
    ).run()
    media = [at for stage, at in stages if stage == "media"]
    assert media[0] == 0 and media[-1] == export.stat().st_size and media == sorted(media)
    assert (Image.objects.count(), Document.objects.count(), ImportedItem.objects.count()) == (0, 0, 0)
    after = {path for path in media_root.rglob("*") if path.is_file()} if media_root.exists() else set()
    assert after == before


def test_the_imported_pdf_is_readable_where_the_article_links_to_it(db, old_site, tmp_path, client):
    serve_site(old_site)
    run(write(tmp_path, old_site.root, site_items(old_site.root)), **fetching())
    pdf = library_of(12).document
    article = ImportedItem.objects.get(kind="post", wordpress_id="1").article
    assert article.is_visible
    response = client.get(f"/documents/{pdf.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_a_file_block_of_the_document_library_is_a_link_to_its_stable_address(db, tmp_path, uploads):
    block = (
        '<!-- wp:file {"id":12,"href":"' + ROOT + '/wp-content/uploads/2024/05/budget.pdf"} -->\n'
        '<div class="wp-block-file"><a href="' + ROOT + '/wp-content/uploads/2024/05/budget.pdf">Budget 2024</a>'
        '<a href="' + ROOT + '/wp-content/uploads/2024/05/budget.pdf" class="wp-block-file__button" download>'
        "Télécharger</a></div>\n<!-- /wp:file -->"
    )
    items = [post(ROOT, 2, block), attachment(ROOT, 12, "2024/05/budget.pdf", parent=2, title="Budget primitif 2024")]
    report = run(write(tmp_path, ROOT, items), media_dir=uploads)
    body = body_of(2)
    assert f"/documents/{library_of(12).document_id}/" in body and "wp-content" not in body
    assert "absent de la médiathèque" not in report


def test_an_articles_only_export_downloads_the_files_its_posts_show(db, old_site, tmp_path):
    """No attachment in the file: the uploads its posts name (the original of a -1024x683 copy, a relative
    link to a PDF) are downloaded; another site's uploads are not."""
    serve_site(old_site)
    root = old_site.root
    body = (
        f'<p><img src="{root}/wp-content/uploads/2024/05/maire-1024x683.jpg" alt="Le maire devant la mairie"></p>'
        '<p>Le <a href="/wp-content/uploads/2024/05/budget.pdf">budget</a>.</p>'
        '<p><img src="https://ailleurs.example.com/wp-content/uploads/2024/05/une.jpg" alt="Ailleurs"></p>'
    )
    run(write(tmp_path, root, [post(root, 3, body)]), **fetching())
    assert sorted(old_site.requests) == [
        "/wp-content/uploads/2024/05/budget.pdf",
        "/wp-content/uploads/2024/05/maire.jpg",
    ]
    image = Image.objects.get()
    assert image.alt_text == "Le maire devant la mairie"
    assert f'<a href="/documents/{Document.objects.get().pk}/">budget</a>' in body_of(3)


@pytest.fixture
def tls_site(tmp_path):
    """The old site over HTTPS, with a certificate for its name (made by the openssl command)."""
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl absent")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}"],
        check=True, capture_output=True,
    )  # fmt: skip
    site = OldSite()
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    site.server.socket = server_context.wrap_socket(site.server.socket, server_side=True)
    client_context = ssl.create_default_context(cafile=str(cert))
    yield site, client_context
    site.server.shutdown()
    site.server.server_close()


def test_https_checks_the_certificate_against_the_name_not_the_address(tls_site, tmp_path):
    site, trusted = tls_site
    site.files["/photo.jpg"] = b"une photo"
    assert fetch(f"https://{HOST}:{site.port}/photo.jpg", tmp_path / "a", policy(ssl_context=trusted)) == 9

    def other_name(host, port):
        return ["127.0.0.1"]  # the same server, under a name its certificate does not give

    with pytest.raises(FetchError, match="échec du téléchargement"):
        fetch(
            f"https://autre.test:{site.port}/photo.jpg", tmp_path / "b", policy(ssl_context=trusted, resolve=other_name)
        )
    with pytest.raises(FetchError, match="échec du téléchargement"):  # a certificate nobody vouches for
        fetch(f"https://{HOST}:{site.port}/photo.jpg", tmp_path / "c", policy())
