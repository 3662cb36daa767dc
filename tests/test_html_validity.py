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
