"""Content-Security-Policy: the readers' policy (no inline script, no nonce: their pages are shared by the
page cache) and the staff's (a nonce per response for the admin's inline scripts and the editor's import
map). What the browser makes of them is checked in test_csp_browser.py."""

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import django_prose_editor
import pytest
import reader_site
from django.conf import settings as django_settings
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils.csp import build_policy

from articles.models import Article
from articles.views import ArticleView

HEADER = "Content-Security-Policy"
# <script> elements the browser does not run, so CSP does not apply to them (JSON-LD, json_script).
DATA_BLOCKS = {"application/json", "application/ld+json"}


def directives(response) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in response[HEADER].split(";"))}


def nonce_of(response) -> str:
    (nonce,) = re.findall(r"'nonce-([^']+)'", response[HEADER].split("script-src", 1)[1].split(";", 1)[0])
    return nonce


class _InlineCode(HTMLParser):
    """The page's inline scripts (data blocks apart) and <style> elements, each as its attributes."""

    def __init__(self):
        super().__init__()
        self.scripts, self.styles = [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") not in DATA_BLOCKS:
            self.scripts.append(attributes)
        elif tag == "style":
            self.styles.append(attributes)


def inline_code(response) -> _InlineCode:
    parser = _InlineCode()
    parser.feed(response.content.decode())
    return parser


# Readers -------------------------------------------------------------------------------------------


def test_every_reader_page_gets_the_readers_policy_without_nonce(moderator, settings):
    site = reader_site.build(moderator)
    readers_policy = build_policy(settings.SECURE_CSP)
    for name, url in site["pages"].items():
        response = Client().get(url)
        assert response[HEADER] == readers_policy, name
        assert directives(response)["script-src"] == ["'self'"], name
        assert "nonce" not in response[HEADER] and "nonce=" not in response.content.decode(), name
        assert inline_code(response).scripts == [] and inline_code(response).styles == [], name


def test_the_readers_policy_allows_what_reader_pages_need_and_nothing_inline_but_style_attributes(moderator):
    site = reader_site.build(moderator)
    response = Client().get(site["article"].get_absolute_url())
    found = directives(response)
    assert found == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    page = response.content.decode()
    assert 'class="callout" style="--callout-bg: #' in page  # the one inline style, from our renderer
    assert '<script type="application/ld+json">' in page  # a data block, which the policy does not cover
    assert response["X-Frame-Options"] == "DENY"  # what frame-ancestors 'none' says to newer browsers


def test_a_page_served_from_the_page_cache_carries_the_same_policy(page_cache, make_article, settings):
    article = make_article("Le pont des Roches rouvre")
    first = Client().get(article.get_absolute_url())
    again = Client().get(article.get_absolute_url())
    assert (first["X-Cache"], again["X-Cache"]) == ("MISS", "HIT")
    assert first[HEADER] == again[HEADER] == build_policy(settings.SECURE_CSP)


def test_the_comment_form_in_error_and_the_404_page_get_the_readers_policy(make_article, client, settings):
    article = make_article("Le pont des Roches rouvre")
    refused = reader_site.comment_in_error(client, article, settings)
    missing = Client().get("/page-inconnue/")
    assert (refused.status_code, missing.status_code) == (400, 404)
    assert 'id="erreurs-commentaire"' in refused.content.decode()  # the article page, with its form in error
    assert refused[HEADER] == missing[HEADER] == build_policy(settings.SECURE_CSP)


def test_the_staff_preview_is_a_reader_page_and_gets_the_readers_policy(editor_client, make_article, settings):
    draft = make_article("Le pont des Roches rouvre", status=Article.Status.DRAFT)
    response = editor_client.get(reverse("articles:preview", args=[draft.pk]))
    assert response.status_code == 200
    assert response[HEADER] == build_policy(settings.SECURE_CSP)


@pytest.mark.parametrize(
    ("error", "status"), [(RuntimeError("panne simulée"), 500), (OperationalError("database is locked"), 503)]
)
def test_the_error_pages_get_the_readers_policy_which_allows_their_style_attribute(
    make_article, monkeypatch, settings, error, status
):
    article = make_article()

    def broken(self, request, *args, **kwargs):
        raise error

    monkeypatch.setattr(ArticleView, "get", broken)
    response = Client(raise_request_exception=False).get(article.get_absolute_url())
    assert response.status_code == status
    assert response[HEADER] == build_policy(settings.SECURE_CSP)
    # Pages that must need no other file (not even the stylesheet) style their body in an attribute.
    assert '<body style="' in response.content.decode()
    assert directives(response)["style-src-attr"] == ["'unsafe-inline'"]


# Staff ---------------------------------------------------------------------------------------------


def test_the_admin_login_gets_the_staff_policy_with_a_new_nonce_each_time():
    first, second = Client().get(reverse("admin:login")), Client().get(reverse("admin:login"))
    assert first.status_code == second.status_code == 200
    assert directives(first)["script-src"] == ["'self'", f"'nonce-{nonce_of(first)}'"]
    assert f'nonce="{nonce_of(first)}"' in first.content.decode()  # on Django's own scripts
    assert nonce_of(first) != nonce_of(second)
    assert directives(first)["frame-ancestors"] == ["'none'"]


def test_every_inline_script_and_style_of_the_article_form_carries_the_nonce(editor_client, make_article):
    article = make_article("Le pont des Roches rouvre")
    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    nonce = nonce_of(response)
    found = directives(response)
    assert "'unsafe-inline'" not in found["script-src"] and "'unsafe-inline'" not in found["style-src"]
    assert found["style-src"] == ["'self'", f"'nonce-{nonce}'", django_settings.EDITOR_STYLE_HASH]
    code = inline_code(response)
    # django-prose-editor's import map (rendered by django-js-asset with the request's nonce).
    assert {"type": "importmap", "nonce": nonce} in code.scripts
    assert all(script.get("nonce") == nonce for script in code.scripts), code.scripts
    assert all(style.get("nonce") == nonce for style in code.styles), code.styles


def test_the_article_list_with_its_filters_gets_the_staff_policy(editor_client, make_article):
    make_article("Le pont des Roches rouvre")
    response = editor_client.get(reverse("admin:articles_article_changelist"), {"status__exact": "published"})
    assert response.status_code == 200
    assert f"'nonce-{nonce_of(response)}'" in directives(response)["script-src"]
    code = inline_code(response)
    assert all(element.get("nonce") == nonce_of(response) for element in code.scripts + code.styles)


def test_the_image_picker_has_no_inline_script_nor_style(journalist_client, make_image):
    make_image()
    response = journalist_client.get(reverse("admin:images_image_picker"), {"CKEditorFuncNum": "1"})
    assert response.status_code == 200
    assert "script-src" in directives(response)
    code = inline_code(response)
    assert code.scripts == [] and code.styles == []
    page = response.content.decode()
    # Its script's French messages come through the form's data- attributes.
    assert 'data-message-sending="Envoi de l’image…"' in page
    assert 'src="/static/images/picker.js"' in page


def test_the_editor_style_hash_is_the_stylesheet_the_installed_editor_adds():
    """Tiptap adds its base stylesheet as a <style> element without nonce: allowed by this hash only, which a
    new django-prose-editor may change (then the editor's spaces become non-breaking: update the hash)."""
    editor_js = Path(django_prose_editor.__file__).parent / "static" / "django_prose_editor" / "editor.js"
    (css,) = re.findall(r"`(\.ProseMirror \{.*?)`", editor_js.read_text(), re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"'sha256-{digest}'" == django_settings.EDITOR_STYLE_HASH


def test_the_policy_middleware_wraps_the_page_cache():
    stack = django_settings.MIDDLEWARE
    middleware = "newsroom.middleware.ContentSecurityPolicyMiddleware"
    assert stack.index(middleware) < stack.index("pagecache.middleware.PageCacheMiddleware")
