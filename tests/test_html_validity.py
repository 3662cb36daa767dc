"""Every reader page type is valid HTML for the Nu HTML Checker (vnu.jar, run with Java): 0 errors."""

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import reader_site
from django.conf import settings as django_settings
from django.core.management import call_command

from articles.demo_content import RICH_ARTICLE
from articles.models import Article
from live.models import LiveCoverage

VNU_JAR = Path(django_settings.BASE_DIR) / "var/node/node_modules/vnu-jar/build/dist/vnu.jar"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("java"), reason="Java is not installed: scripts/ensure-packages.sh"),
    pytest.mark.skipif(
        not VNU_JAR.exists(), reason=f"vnu-jar is not installed ({VNU_JAR}): scripts/ensure-packages.sh"
    ),
]


def nu_errors(folder: Path) -> dict[str, list[str]]:
    """The checker's errors for each .html file of the folder (one Java start for them all)."""
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stdout)["messages"]
    errors: dict[str, list[str]] = {}
    for message in messages:
        name = Path(message.get("url", "")).stem
        errors.setdefault(name, []).append(
            f"{message.get('lastLine')}: {message['message']} « {message.get('extract', '')} »"
        )
    return errors


def test_every_reader_page_is_valid_html(client, moderator, settings, tmp_path):
    site = reader_site.build(moderator)
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, url in site["pages"].items():
        response = client.get(url)
        assert response.status_code == (404 if name == "404" else 200), name
        (folder / f"{name.replace(' ', '-')}.html").write_bytes(response.content)
    refused = reader_site.comment_in_error(client, site["article"], settings)
    assert refused.status_code == 400
    (folder / "comment-form-in-error.html").write_bytes(refused.content)
    assert nu_errors(folder) == {}


def test_the_demo_rich_article_is_valid_html(client, tmp_path):
    # Tables, a gallery, an embed's facade, a document link, quotations (issue 23): what reader_site lacks.
    call_command("load_demo", stdout=io.StringIO())
    article = Article.objects.get(slug=RICH_ARTICLE)
    folder = tmp_path / "rich"
    folder.mkdir()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    (folder / "rich-article.html").write_bytes(response.content)
    assert nu_errors(folder) == {}


def test_a_live_page_is_valid_html(client, make_article, make_user, editor, tmp_path, settings):
    # Issue 25: the live's first page (mark, key moments, pinned and corrected entries, the polling
    # script's button and live region), an older page, and the page once the live has ended.
    settings.LIVE_ENTRIES_PER_PAGE = 3
    reporter = make_user("plume", groups=["Journalistes"], first_name="Anne", last_name="Martin")
    coverage = LiveCoverage.start(make_article(title="Orages en Moselle", slug="orages"), reporter)
    coverage.post("Consignes de la préfecture : <restez> chez vous.", reporter, pinned=True)
    first = coverage.post("Premières averses sur Metz.", reporter, key_moment=True)
    for number in range(4):
        coverage.post(f"Point de situation n° {number}.", reporter)
    first.correct("Premières averses sur Metz, fortes par endroits.", reporter)
    url = coverage.article.get_absolute_url()
    folder = tmp_path / "live"
    folder.mkdir()
    pages = {"live-ongoing": client.get(url), "live-page-2": client.get(f"{url}?page=2")}
    coverage.end(editor)
    pages["live-ended"] = client.get(url)
    for name, response in pages.items():
        assert response.status_code == 200 and b'class="live-entry' in response.content, name
        (folder / f"{name}.html").write_bytes(response.content)
    assert b"data-live-announce" in pages["live-ongoing"].content
    assert nu_errors(folder) == {}
