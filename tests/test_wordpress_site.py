"""Issue 24's « Done when » over the export of a real WordPress 6 site (tests/wordpress_site.py).

One test per property, so that each says alone what a newsroom would refuse: protected or
private text reaching a reader, block content lost, an image twice in the library, a file name
read aloud as an alt, an old address that dies or leads to something not public.
"""

import html
import re
from io import StringIO
from urllib.parse import unquote, urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from wordpress_site import BLOCK_TEXT, FOOTNOTES, IMG_ALT_IN_POST, SECRET_TEXTS, write_site

from articles.models import Article, SubjectDate
from articles.subject_dates import recompute_all
from documents.models import Document
from images.models import Image
from wordpress.models import ImportedItem

pytestmark = pytest.mark.django_db
READER_PREFIXES_SKIPPED = ("/admin/", "/static/", "/media/", "/desk/", "/redaction/", "/compte/")
FILE_NAME = re.compile(r"^(?:dsc|img|p|dscn|pxl|screenshot|capture)[-_ ]?\d+|\.(?:jpe?g|png|gif|webp|pdf)$", re.I)


def run_import(path, *args) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def site(tmp_path):
    return write_site(tmp_path / "wordpress")


@pytest.fixture
def imported(site):
    """The whole export (« Tout le contenu ») imported with its uploads folder; the report kept."""
    site.report = run_import(site.whole, "--media-dir", str(site.media_dir))
    return site


def plain(markup: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def target_of(wordpress_id: int):
    """What a post or page became here: an article, a page, or None when it was not imported."""
    row = ImportedItem.objects.filter(wordpress_id=str(wordpress_id)).exclude(kind="comment").first()
    if row is None:
        return None
    return row.article or getattr(row, "page", None)


def reader_pages(client, seeds) -> dict[str, str]:
    """Every reader page reachable from these addresses (links, sitemaps), path → text."""
    seen: dict[str, str] = {}
    waiting = list(seeds)
    while waiting and len(seen) < 400:
        path = waiting.pop(0)
        if path in seen or path.startswith(READER_PREFIXES_SKIPPED):
            continue
        response = client.get(path)
        if response.status_code in (301, 302):
            waiting.append(response["Location"])
            seen[path] = ""
            continue
        if (
            response.status_code != 200
            or "text/html" not in response.get("Content-Type", "")
            and "xml" not in (response.get("Content-Type", ""))
        ):
            seen[path] = ""
            continue
        text = response.content.decode()
        seen[path] = text
        for link in re.findall(r'(?:href|src)="([^"#]+)"|<loc>([^<]+)</loc>|<link>([^<]+)</link>', text):
            address = next(part for part in link if part)
            parts = urlsplit(html.unescape(address))
            if parts.netloc in ("", "testserver") and parts.path.startswith("/"):
                waiting.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


# 0 protected or private text public ---------------------------------------------------------------------


def test_no_protected_private_or_unpublished_text_reaches_a_reader(imported, client):
    seeds = ["/", "/rss/", "/sitemap.xml", "/sitemap-news.xml", "/archives/2024/", "/archives/2024/05/"]
    # Searched by their words, not by the marker: a results page repeats what was searched.
    seeds += [f"/recherche/?{urlencode({'q': secret.rsplit(' ', 1)[0]})}" for secret in SECRET_TEXTS]
    pages = reader_pages(client, seeds)
    assert len([text for text in pages.values() if text]) > 20  # the crawl did find the site
    for post in imported.public_posts("post") + imported.public_posts("page"):
        assert pages.get(target_of(post.item.post_id).get_absolute_url()), post.item.title  # and every public item
    for path, text in pages.items():
        for secret in SECRET_TEXTS:
            token = secret.rsplit(" ", 1)[1]
            assert token not in text, (path, secret)
    # Nor do the not-public items answer to readers at their new addresses.
    for post in imported.hidden_posts():
        target = target_of(post.item.post_id)
        if target is not None and hasattr(target, "get_absolute_url"):
            assert client.get(target.get_absolute_url()).status_code == 404, post.item.title


def test_the_protected_post_is_kept_for_the_desk_and_named_in_the_report(imported):
    protected = target_of(104)
    assert protected is not None and protected.status != Article.Status.PUBLISHED
    assert "Tarifs 2024" in imported.report


# 0 lost block content -----------------------------------------------------------------------------------


def test_no_text_of_any_imported_post_or_page_is_lost(imported):
    report = plain(imported.report)
    lost = []
    for post in imported.posts.values():
        if post.item.post_type == "wp_block":
            continue  # inlined where used: checked there
        target = target_of(post.item.post_id)
        if target is None:
            continue  # not imported: counted as skipped in the report
        body = plain(" ".join(str(getattr(target, name, "") or "") for name in ("standfirst", "body", "body_html")))
        for text in post.paragraphs:
            if plain(text) not in body and plain(text) not in report:
                lost.append((post.item.title, text))
    assert lost == []


def test_pages_come_over_with_their_child_page(imported):
    about, team = target_of(201), target_of(202)
    assert about is not None and team is not None
    assert team.parent_id == about.pk
    assert target_of(204) is None or not target_of(204).is_published


def test_the_reusable_block_and_the_footnotes_are_in_the_articles(imported):
    for post_id in (101, 103):
        assert BLOCK_TEXT in plain(target_of(post_id).body)
    population = target_of(102).body
    for _note_id, note in FOOTNOTES:
        assert note in plain(population)
    assert "<table" in population


# No image twice --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", [("articles", "medias"), ("medias", "articles")])
def test_split_exports_bring_each_file_once_whichever_comes_first(site, order):
    for name in order:
        run_import(getattr(site, name), "--media-dir", str(site.media_dir))
    run_import(site.whole, "--media-dir", str(site.media_dir))  # and « Tout le contenu » afterwards
    assert Image.objects.count() == 5
    assert target_of(101).main_image_id is not None  # the featured image, whichever file came first


def test_split_exports_bring_the_pdf_once_into_the_documents(site):
    for name in ("articles", "medias", "whole"):
        run_import(getattr(site, name), "--media-dir", str(site.media_dir))
    assert Document.objects.count() == 1
    assert f"/documents/{Document.objects.get().pk}/" in target_of(103).body


# Every alt sensible ----------------------------------------------------------------------------------------


def test_no_alt_is_a_file_name_and_the_posts_own_alt_is_kept(imported):
    alts = list(Image.objects.values_list("alt_text", flat=True))
    assert alts and not [alt for alt in alts if FILE_NAME.search(alt.strip())]
    bodies = " ".join(Article.objects.values_list("body", flat=True))
    for alt in re.findall(r'<img[^>]*\balt="([^"]*)"', bodies):
        assert not FILE_NAME.search(alt.strip()), alt
    assert Image.objects.filter(alt_text=IMG_ALT_IN_POST).exists()


# Every old address -------------------------------------------------------------------------------------------


def answers(client, location: str) -> bool:
    """200 from the site, or a file the web server serves (MEDIA_URL: not served by Django in tests)."""
    path = urlsplit(location).path
    if path.startswith(settings.MEDIA_URL):
        return default_storage.exists(unquote(path.removeprefix(settings.MEDIA_URL)))
    return client.get(location).status_code == 200


def test_every_old_address_answers_301_to_a_page_or_404(imported, client):
    wrong = []
    for address, public in imported.old_addresses().items():
        response = client.get(address)
        if not public:
            if response.status_code != 404:
                wrong.append((address, response.status_code, response.get("Location"), "404 attendu"))
            continue
        if response.status_code != 301:
            wrong.append((address, response.status_code, response.get("Location"), "301 attendu"))
            continue
        if not answers(client, response["Location"]):
            wrong.append((address, 301, response["Location"], "pas de 200 au bout"))
    assert wrong == []


# What the import's batches must not change ----------------------------------------------------------------------


def test_subject_dates_kept_by_batches_are_those_found_from_the_articles(imported):
    """The import finds the subjects' dates once per batch (subject_dates.dates_deferred): the same as from scratch."""
    kept = set(SubjectDate.objects.values_list("kind", "subject_id", "latest_published_at"))
    assert kept
    recompute_all()
    assert set(SubjectDate.objects.values_list("kind", "subject_id", "latest_published_at")) == kept


def test_tags_given_in_one_insert_are_those_of_the_post(imported):
    tags = set(target_of(101).tags.values_list("name", flat=True))
    assert {"Marché"} <= tags
