"""Every old address of an imported WordPress site: uploads and their resized copies, attachment pages,
accented and emoji slugs, date archives, soft 404s, several sites told apart by the host asked for.

A small export is written here (bench.wxr) with its files in a --media-dir, and imported as the
command does: each address shape answers 301 to a page that answers 200, or 404 when what it named is
not for readers (a draft, a protected post, nothing). WordPress stores non-ASCII slugs percent-encoded
(« %c3%a9conomie », « %f0%9f%9a%b2 »): they are written so here.
"""

from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from factories import jpeg
from taggit.models import Tag

from articles.management.commands.load_demo import draw_pdf
from bench import wxr
from wordpress.models import ImportedItem
from wordpress.redirects import read_path, read_upload

pytestmark = pytest.mark.django_db

SITE = "https://ancien.example.fr"
OTHER_SITE = "https://autre.example.fr"
UPLOADS = f"{SITE}/wp-content/uploads"
MAY = datetime(2024, 5, 14, 9, 30, tzinfo=UTC)
JUNE = datetime(2024, 6, 1, 9, 30, tzinfo=UTC)
AUTHORS = [wxr.Author("cdupont", "claire.dupont@example.org", "Claire Dupont", "Claire", "Dupont", author_id=2)]
TERMS = [
    wxr.Term(1, "category", "%c3%a9conomie", "Économie"),
    wxr.Term(2, "post_tag", "%f0%9f%9a%b2", "🚲"),
    wxr.Term(3, "post_tag", "v%c3%a9lo", "Vélo"),
]


def attachment(post_id, path, slug, parent, **fields):
    return wxr.Item(
        post_id, fields.pop("title", slug), slug=slug, status="inherit", post_type="attachment", parent=parent,
        attachment_url=f"{UPLOADS}/{path}", date_gmt=MAY, meta={"_wp_attached_file": path, **fields},
    )  # fmt: skip


def post(post_id, title, slug, link_path, **fields):
    fields.setdefault("date_gmt", MAY)
    fields.setdefault("content", f"<p>{title}.</p>")
    return wxr.Item(post_id, title, slug=slug, creator="cdupont", link=f"{SITE}{link_path}", **fields)


def export_items():
    budget_body = (
        f'<img class="wp-image-20" src="{UPLOADS}/2024/05/mairie-1024x683.jpg" alt="La mairie de Metz">\n\n'
        f'Le <a href="{UPLOADS}/2024/05/budget.pdf">budget primitif</a> est en ligne.'
    )
    return [
        post(1, "Le budget 2024", "budget-2024", "/2024/05/14/budget-2024/", content=budget_body,
             meta={"_thumbnail_id": "20"}, terms=[("category", "%c3%a9conomie", "Économie"),
             ("post_tag", "%f0%9f%9a%b2", "🚲"), ("post_tag", "v%c3%a9lo", "Vélo")]),
        post(2, "L’été à Metz", "%c3%a9t%c3%a9-%c3%a0-metz", "/2024/06/01/%c3%a9t%c3%a9-%c3%a0-metz/", date_gmt=JUNE),
        post(3, "La fête", "%f0%9f%8e%89-fete", "/2024/06/01/%f0%9f%8e%89-fete/", date_gmt=JUNE),
        post(4, "Un brouillon", "brouillon", "/?p=4", status="draft"),
        post(5, "Réservé", "reserve", "/2024/05/14/reserve/", password="abonne2024"),
        attachment(20, "2024/05/mairie.jpg", "mairie-de-metz", 1, _wp_attachment_image_alt="La mairie de Metz"),
        attachment(21, "2024/05/budget.pdf", "budget-pdf", 1, title="Budget primitif 2024"),
        attachment(22, "2024/05/secret.jpg", "photo-secrete", 4, _wp_attachment_image_alt="Un secret"),
        attachment(23, "2024/05/grande-scaled.jpg", "grande", 2, _wp_attachment_image_alt="Une grande photo"),
    ]  # fmt: skip


def write_export(folder: Path, items, *, site=SITE, name="export.xml") -> Path:
    path = folder / name
    path.write_text(wxr.document(items, site=site, authors=AUTHORS, terms=TERMS), encoding="utf-8")
    return path


def run_import(path, *args) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def media_dir(tmp_path):
    folder = tmp_path / "uploads"
    (folder / "2024/05").mkdir(parents=True)
    (folder / "2024/05/mairie.jpg").write_bytes(jpeg((2000, 1333), "#336699"))
    (folder / "2024/05/secret.jpg").write_bytes(jpeg((900, 600), "#993366"))
    (folder / "2024/05/grande-scaled.jpg").write_bytes(jpeg((1000, 667), "#669933"))
    (folder / "2024/05/budget.pdf").write_bytes(draw_pdf(["Budget primitif 2024"]))
    return folder


@pytest.fixture
def imported(tmp_path, media_dir):
    run_import(write_export(tmp_path, export_items()), "--media-dir", str(media_dir))


def row(wordpress_id, kind="post", source=SITE) -> ImportedItem:
    return ImportedItem.objects.get(source=source, kind=kind, wordpress_id=str(wordpress_id))


def article(wordpress_id, source=SITE):
    return row(wordpress_id, source=source).article


def assert_redirects(client, old, new, **headers):
    response = client.get(old, **headers)
    assert response.status_code == 301, old
    assert response["Location"] == new, old
    assert client.get(new).status_code == 200, new


# Uploads -------------------------------------------------------------------------------------------


def rendition_url(image, width):
    """The URL of the image's JPEG rendition of that width (the master file: its own width)."""
    if width == image.width:
        return image.file.url
    (name,) = [r["name"] for r in image.renditions_in("jpeg") if r["width"] == width]
    return image.file.storage.url(name)


@pytest.mark.parametrize(
    ("old", "width"),
    [
        ("/wp-content/uploads/2024/05/mairie.jpg", 2000),  # the upload itself: the whole picture
        ("/wp-content/uploads/2024/05/mairie-1024x683.jpg", 1200),  # WordPress's « large »: the nearest width
        ("/wp-content/uploads/2024/05/mairie-768x512.jpg", 800),
        ("/wp-content/uploads/2024/05/mairie-150x150.jpg", 480),  # its square thumbnail
        ("/wp-content/uploads/2024/05/mairie-1536x1024.jpg", 1600),
        ("/wp-content/uploads/sites/3/2024/05/mairie-300x200.jpg", 480),  # a multisite's address
    ],
)
def test_an_upload_and_its_resized_copies_lead_to_the_nearest_rendition(imported, client, old, width):
    image = row(20, "attachment").image
    response = client.get(old)
    assert response.status_code == 301, old
    assert response["Location"] == rendition_url(image, width)
    # Media files are the web server's to serve (not Django's in tests): the file is there.
    name = response["Location"].removeprefix(image.file.storage.base_url)
    assert image.file.storage.exists(name)


def test_the_scaled_file_wordpress_kept_answers_for_the_upload_and_its_copies(imported, client):
    image = row(23, "attachment").image
    for old in ("/wp-content/uploads/2024/05/grande.jpg", "/wp-content/uploads/2024/05/grande-scaled.jpg"):
        assert client.get(old)["Location"] == image.file.url, old
    assert client.get("/wp-content/uploads/2024/05/grande-300x200.jpg")["Location"] == rendition_url(image, 480)


def test_a_document_upload_leads_to_its_stable_address(imported, client):
    document = row(21, "attachment").document
    assert_redirects(client, "/wp-content/uploads/2024/05/budget.pdf", f"/documents/{document.pk}/")


def test_an_upload_nobody_imported_stays_a_404(imported, client):
    for old in ("/wp-content/uploads/2024/05/inconnue.jpg", "/wp-content/uploads/", "/wp-content/uploads/../x.jpg"):
        assert client.get(old).status_code == 404, old


def test_reading_an_upload_address_costs_nothing_when_it_is_not_one():
    assert read_upload("") is None and read_upload("2024/05/") is None and read_upload("../etc/passwd") is None
    wanted = read_upload("2024/05/photo-1024x683.jpg")
    assert wanted.width == 1024 and wanted.file
    assert set(wanted.ways[0].values) == {
        "2024/05/photo-1024x683.jpg",
        "2024/05/photo.jpg",
        "2024/05/photo-scaled.jpg",
        "2024/05/photo-rotated.jpg",
    }
    assert read_path("/wp-content/plugins/x.js") is None


# Attachment pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "old",
    [
        "/?attachment_id=20",
        "/?p=20",  # WordPress answers an attachment's number too
        "/?attachment=mairie-de-metz",
        "/2024/05/14/budget-2024/mairie-de-metz/",  # under its post's address
        "/budget-2024/attachment/mairie-de-metz/",  # …/attachment/<slug>/ when the slug could be a page number
        "/mairie-de-metz/",
    ],
)
def test_an_attachment_page_leads_to_the_article_showing_it(imported, client, old):
    assert_redirects(client, old, article(1).get_absolute_url())


def test_a_document_attachment_page_leads_to_the_document(imported, client):
    document = row(21, "attachment").document
    for old in ("/?attachment_id=21", "/budget-pdf/", "/2024/05/14/budget-2024/budget-pdf/"):
        assert_redirects(client, old, f"/documents/{document.pk}/")


def test_the_attachment_page_of_an_unpublished_post_is_a_404(imported, client):
    for old in ("/?attachment_id=22", "/photo-secrete/"):
        assert client.get(old).status_code == 404, old


def test_an_attachment_page_follows_its_article_leaving_readers(imported, client, editor):
    article(1).unpublish(by=editor)
    for old in ("/?attachment_id=20", "/mairie-de-metz/", "/?attachment_id=21"):
        assert client.get(old).status_code == 404, old


# Accented and emoji slugs ------------------------------------------------------------------------------


def test_accented_and_emoji_slugs_encoded_or_not(imported, client):
    bike = Tag.objects.get(name="🚲")
    velo = Tag.objects.get(name="Vélo")
    section = article(1).section
    for old, new in [
        ("/tag/%F0%9F%9A%B2/", f"/mot-cle/{bike.slug}/"),
        ("/tag/%f0%9f%9a%b2/", f"/mot-cle/{bike.slug}/"),
        ("/tag/🚲/", f"/mot-cle/{bike.slug}/"),
        ("/?tag=%F0%9F%9A%B2", f"/mot-cle/{bike.slug}/"),
        ("/tag/v%C3%A9lo/", f"/mot-cle/{velo.slug}/"),
        ("/tag/V%C3%A9lo/", f"/mot-cle/{velo.slug}/"),
        ("/category/%C3%A9conomie/", section.get_absolute_url()),
        ("/category/économie/", section.get_absolute_url()),
        ("/2024/06/01/%C3%A9t%C3%A9-%C3%A0-metz/", article(2).get_absolute_url()),
        ("/%c3%a9t%c3%a9-%c3%a0-metz/", article(2).get_absolute_url()),
        ("/été-à-metz/", article(2).get_absolute_url()),
        ("/2024/06/01/%F0%9F%8E%89-fete/", article(3).get_absolute_url()),
        ("/🎉-fete/", article(3).get_absolute_url()),
    ]:
        assert_redirects(client, old, new)


# Date archives -------------------------------------------------------------------------------------------


def test_date_archives_lead_to_ours(imported, client):
    for old, new in [
        ("/2024/", "/archives/2024/"),
        ("/2024/05/", "/archives/2024/05/"),
        ("/2024/05/14/", "/archives/2024/05/14/"),
        ("/2024/05/page/2/", "/archives/2024/05/"),
        ("/index.php/2024/06/", "/archives/2024/06/"),
    ]:
        assert_redirects(client, old, new)


def test_a_date_archive_without_published_article_stays_a_404(imported, client):
    # 2023 and the 15th have nothing; May 2024's protected post is not published; month 13 is no date.
    for old in ("/2023/", "/2024/05/15/", "/2024/13/", "/2024/02/30/", "/0000/"):
        assert client.get(old).status_code == 404, old


# Nothing public: a 404, not the home page ------------------------------------------------------------------


@pytest.mark.parametrize(
    "old",
    [
        "/?p=999",
        "/?p=4",  # a draft
        "/?p=5",  # a protected post
        "/?page_id=999",
        "/?attachment_id=999",
        "/?cat=999",
        "/?tag=inconnu",
        "/?author=personne",
        "/2024/05/14/reserve/",
        "/reserve/",
        "/brouillon/",
    ],
)
def test_what_names_nothing_public_is_a_404(imported, client, old):
    response = client.get(old)
    assert response.status_code == 404, old
    assert "Réservé" not in response.text and "Un brouillon" not in response.text


# Several sites ---------------------------------------------------------------------------------------------


@pytest.fixture
def two_sites(imported, tmp_path, media_dir, settings):
    settings.ALLOWED_HOSTS = [".example.fr", "testserver"]
    others = [
        wxr.Item(1, "Le marché de Nancy", slug="marche", creator="cdupont", date_gmt=JUNE,
                 link=f"{OTHER_SITE}/2024/06/01/marche/", content="<p>Au marché.</p>"),
        wxr.Item(6, "Le festival", slug="festival", creator="cdupont", date_gmt=JUNE,
                 link=f"{OTHER_SITE}/festival/", content="<p>Le festival.</p>"),
    ]  # fmt: skip
    run_import(write_export(tmp_path, others, site=OTHER_SITE, name="autre.xml"))


def test_the_host_asked_for_picks_the_site(two_sites, client):
    first, second = article(1), article(1, source=OTHER_SITE)
    for host in ("ancien.example.fr", "www.ancien.example.fr"):
        assert_redirects(client, "/?p=1", first.get_absolute_url(), HTTP_HOST=host)
    for host in ("autre.example.fr", "www.autre.example.fr:443"):
        assert_redirects(client, "/?p=1", second.get_absolute_url(), HTTP_HOST=host)
    # What one site lacks is a 404 there, never the other site's post.
    assert client.get("/?p=6", HTTP_HOST="ancien.example.fr").status_code == 404
    assert client.get("/festival/", HTTP_HOST="ancien.example.fr").status_code == 404
    assert client.get("/?p=2", HTTP_HOST="autre.example.fr").status_code == 404
    assert client.get("/2024/06/01/%c3%a9t%c3%a9-%c3%a0-metz/", HTTP_HOST="autre.example.fr").status_code == 404
    assert_redirects(
        client, "/festival/", article(6, source=OTHER_SITE).get_absolute_url(), HTTP_HOST="autre.example.fr"
    )


def test_on_the_new_sites_own_host_the_latest_import_wins(two_sites, client):
    # testserver is neither old site: the most recently imported answers, as before.
    assert_redirects(client, "/?p=1", article(1, source=OTHER_SITE).get_absolute_url())
    assert_redirects(client, "/?p=2", article(2).get_absolute_url())


def test_the_host_is_read_before_the_canonical_host_replaces_it(two_sites, client, settings):
    settings.CANONICAL_SITE_URL = "https://www.journal.example.fr"
    assert_redirects(client, "/?p=1", article(1).get_absolute_url(), HTTP_HOST="ancien.example.fr")
    assert client.get("/festival/", HTTP_HOST="ancien.example.fr").status_code == 404
