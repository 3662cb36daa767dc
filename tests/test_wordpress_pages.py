"""WordPress pages imported as pages of the site (pages.Page): their tree, their statuses, re-runs, their old addresses.

Each test writes a small export (bench.wxr) with the pages a newsroom's WordPress has — « À propos » and
« L’équipe » under it (the child before its parent in the file, as WordPress may write them), « Mentions
légales », a draft, a protected page, a private one, one in the bin — and WordPress's own theme test
export (/work/shared/wordpress/) brings its three-level tree and its Greek, percent-encoded slugs.
"""

import os
import re
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from bench import wxr
from pages.models import Page, PageRevision
from wordpress.models import ImportedItem

pytestmark = pytest.mark.django_db

SITE = "https://ancien.example.fr"
PAST = datetime(2016, 7, 14, 9, 30, tzinfo=UTC)
AUTHORS = [wxr.Author("cdupont", "claire.dupont@example.org", "Claire Dupont", "Claire", "Dupont", author_id=2)]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "wordpress"
THEME_TEST_DATA = SHARED / "themeunittestdata.wordpress.xml"


def page(post_id, title, slug, *, parent=0, link_path=None, **fields):
    fields.setdefault("content", f"<p>Le texte de « {title} ».</p>")
    return wxr.Item(
        post_id, title, slug=slug, post_type="page", parent=parent, creator="cdupont", date_gmt=PAST,
        link=f"{SITE}{link_path or f'/{slug}/'}", **fields,
    )  # fmt: skip


def site_pages():
    pages = {
        11: page(11, "L’équipe", "l-equipe", parent=10, link_path="/a-propos/l-equipe/"),  # before its parent
        10: page(10, "À propos", "a-propos", content="<p>Qui nous sommes.</p>\n\nNous écrivons depuis 1920."),
        12: page(12, "Mentions légales", "mentions-legales"),
        13: page(13, "Page en préparation", "en-preparation", status="draft"),
        14: page(14, "Réservée aux abonnés", "reservee", password="abonne2024", content="Le texte réservé."),
        15: page(15, "Page privée", "page-privee", status="private", content="Le texte privé."),
        16: page(16, "Page jetée", "page-jetee", status="trash"),
        17: page(17, "2024", "2024"),  # figures alone: /page/2024/ would be a list's page 2024
    }
    return list(pages.values())


def write_export(folder: Path, items, name="export.xml") -> Path:
    path = folder / name
    path.write_text(wxr.document(items, site=SITE, authors=AUTHORS), encoding="utf-8")
    return path


def run_import(path, *args) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def page_of(wordpress_id) -> Page:
    return ImportedItem.objects.get(kind="page", wordpress_id=str(wordpress_id)).page


def counts(report: str) -> dict:
    return {line.split()[0]: line.split()[1:] for line in report.splitlines() if line.startswith(("Pages", "Articles"))}


@pytest.fixture
def imported(tmp_path):
    return run_import(write_export(tmp_path, site_pages()))


def assert_redirects(client, old, new):
    response = client.get(old)
    assert response.status_code == 301, old
    assert response["Location"] == new, old
    assert client.get(new).status_code == 200, new


# What comes over --------------------------------------------------------------------------------------


def test_pages_are_imported_by_default_with_their_text_and_tree(imported, client):
    assert counts(imported)["Pages"][:2] == ["7", "0"]  # 10 to 15 and 17; the binned one is not
    about, team = page_of(10), page_of(11)
    assert (about.title, about.slug, about.status) == ("À propos", "a-propos", Page.Status.PUBLISHED)
    assert about.body == "<p>Qui nous sommes.</p><p>Nous écrivons depuis 1920.</p>"  # wpautop, as a post's
    assert team.parent == about  # placed once its parent came in, later in the file
    assert page_of(17).slug == "page-2024"
    answer = client.get(team.get_absolute_url())
    assert answer.status_code == 200
    assert re.search(r'href="/page/a-propos/"[^>]*>À propos<', answer.text)  # the breadcrumb
    assert "L’équipe" in client.get(about.get_absolute_url()).text  # « Voir aussi »
    # Each import keeps a version, by the page's author, saying where it came from.
    revision = PageRevision.objects.get(page=about)
    assert (revision.author.username, revision.remark) == ("cdupont", "Importée de WordPress (n° 10)")


def test_statuses_drafts_and_what_only_some_readers_could_read(imported, client):
    assert page_of(12).status == Page.Status.PUBLISHED
    for number in (13, 14, 15):
        assert page_of(number).status == Page.Status.DRAFT, number
        assert client.get(page_of(number).get_absolute_url()).status_code == 404
    assert not ImportedItem.objects.filter(kind="page", wordpress_id="16").exists()
    problems = imported.split("Problèmes à reprendre")[1]
    assert "« Réservée aux abonnés » (WordPress n° 14) — page protégée par un mot de passe" in problems
    assert "« Page privée » (WordPress n° 15) — page privée dans WordPress : importée en brouillon" in problems
    assert "pages au statut « trash » : 1" in imported
    assert "abonne2024" not in Page.objects.get(slug="reservee").body + imported


def test_skip_pages_leaves_them_out(tmp_path):
    report = run_import(write_export(tmp_path, site_pages()), "--skip-pages")
    assert not Page.objects.exists()
    assert "pages (--skip-pages) : 8" in report


def test_pages_as_articles_as_before_with_post_type_page(tmp_path):
    run_import(write_export(tmp_path, site_pages()), "--post-type", "page")
    assert not Page.objects.exists()
    assert ImportedItem.objects.get(kind="post", wordpress_id="10").article.title == "À propos"


# Re-runs ----------------------------------------------------------------------------------------------


def test_the_same_file_again_changes_nothing(tmp_path, imported):
    before = list(Page.objects.values_list("pk", "title", "body", "status", "parent_id", "updated_at"))
    report = run_import(write_export(tmp_path, site_pages()))
    assert counts(report)["Pages"][:3] == ["0", "0", "7"]
    assert list(Page.objects.values_list("pk", "title", "body", "status", "parent_id", "updated_at")) == before
    assert PageRevision.objects.count() == 7


def test_a_newer_export_updates_pages_and_their_tree(tmp_path, imported):
    items = site_pages()
    items[0] = page(11, "Notre équipe", "l-equipe", parent=12, link_path="/mentions-legales/l-equipe/")
    items[3] = page(13, "Page en préparation", "en-preparation", status="publish")
    report = run_import(write_export(tmp_path, items))
    assert counts(report)["Pages"][:3] == ["0", "2", "5"]
    team = page_of(11)
    assert (team.title, team.parent) == ("Notre équipe", page_of(12))
    assert page_of(13).status == Page.Status.PUBLISHED
    assert PageRevision.objects.filter(page=team).count() == 2


def test_a_page_edited_here_is_not_overwritten(tmp_path, imported, editor):
    about = page_of(10)
    about.body = "<p>Réécrit par la rédaction.</p>"
    about.save(by=editor)
    items = site_pages()
    items[1] = page(10, "À propos de nous", "a-propos", content="Changé dans WordPress.")
    report = run_import(write_export(tmp_path, items))
    about.refresh_from_db()
    assert (about.title, about.body) == ("À propos", "<p>Réécrit par la rédaction.</p>")
    assert "« À propos de nous » (WordPress n° 10) — modifié dans la rédaction depuis l’import" in report


def test_a_page_published_here_is_not_put_back_in_draft(tmp_path, imported, editor):
    draft = page_of(13)
    draft.status = Page.Status.PUBLISHED
    draft.save()
    items = site_pages()
    items[3] = page(13, "Page en préparation", "en-preparation", status="draft", content="Encore changée.")
    run_import(write_export(tmp_path, items))
    assert page_of(13).status == Page.Status.PUBLISHED


def test_a_page_binned_in_wordpress_leaves_readers(tmp_path, imported, client):
    items = site_pages()
    items[2] = page(12, "Mentions légales", "mentions-legales", status="trash")
    report = run_import(write_export(tmp_path, items))
    assert page_of(12).status == Page.Status.DRAFT
    assert counts(report)["Pages"][1] == "1"
    assert client.get("/mentions-legales/").status_code == 404


def test_a_dry_run_writes_no_page(tmp_path):
    report = run_import(write_export(tmp_path, site_pages()), "--dry-run")
    assert not Page.objects.exists() and not PageRevision.objects.exists()
    assert counts(report)["Pages"][0] == "7"


# Old addresses ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "wordpress_id"),
    [
        ("/a-propos/", 10),
        ("/a-propos", 10),
        ("/?page_id=10", 10),
        ("/?p=10", 10),
        ("/a-propos/l-equipe/", 11),
        ("/l-equipe/", 11),
        ("/?page_id=11", 11),
        ("/mentions-legales/", 12),
    ],
)
def test_old_addresses_of_a_page_lead_to_it(imported, client, old, wordpress_id):
    assert_redirects(client, old, page_of(wordpress_id).get_absolute_url())


@pytest.mark.parametrize(
    "old",
    ["/en-preparation/", "/?page_id=13", "/reservee/", "/?page_id=14", "/page-privee/", "/?page_id=15", "/?page_id=16"],
)
def test_old_addresses_of_a_page_readers_may_not_see_are_404s(imported, client, old):
    assert client.get(old).status_code == 404


def test_a_page_unpublished_here_loses_its_old_addresses(imported, client):
    about = page_of(10)
    about.status = Page.Status.DRAFT
    about.save()
    assert client.get("/a-propos/").status_code == 404
    assert client.get("/?page_id=10").status_code == 404


# WordPress's own export --------------------------------------------------------------------------------


@pytest.fixture
def theme_test_data():
    if not THEME_TEST_DATA.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{THEME_TEST_DATA} is missing")
        pytest.skip(f"{THEME_TEST_DATA} is missing")
    return THEME_TEST_DATA


def test_wordpress_theme_test_data_pages_keep_their_tree_and_addresses(theme_test_data, client):
    report = run_import(theme_test_data)
    assert counts(report)["Pages"][0] == "21"
    level_3 = page_of(172)
    assert [ancestor.title for ancestor in level_3.ancestors()] == ["Level 1", "Level 2"]
    assert page_of(1813).parent == page_of(1811) and page_of(1811).parent == page_of(1809)
    for old, wordpress_id in [
        ("/level-1/level-2/level-3/", 172),
        ("/about/", 2),
        ("/about/page-with-comments/", 155),
        ("/greek/", 1809),
        ("/greek/%ce%b5%cf%80%ce%af%cf%80%ce%b5%ce%b4%ce%bf-2/", 1811),
        ("/greek/%CE%B5%CF%80%CE%AF%CF%80%CE%B5%CE%B4%CE%BF-2/%CE%B5%CF%80%CE%AF%CF%80%CE%B5%CE%B4%CE%BF-3/", 1813),
        ("/?page_id=174", 174),
    ]:
        assert_redirects(client, old, page_of(wordpress_id).get_absolute_url())
    # The pages' comments are counted, not lost silently: pages here have none.
    assert re.search(r"commentaires de pages \(les pages n’en ont pas ici\) : \d+", report)
