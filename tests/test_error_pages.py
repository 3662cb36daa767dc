"""Error pages readers and staff may meet: French, true to what happens, and never a dead end."""

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse
from test_settings import manage

from articles.views import ArticleView

pytestmark = pytest.mark.django_db


def test_a_wrong_method_gets_a_french_page_with_its_allow_header(client, make_article):
    article = make_article()
    response = client.put(reverse("comments:post", args=[article.pk]))
    assert response.status_code == 405
    assert "Cette adresse ne s’utilise pas ainsi" in response.content.decode()
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_the_comment_address_opened_in_the_browser_leads_to_the_article_and_its_form(client, make_article):
    article = make_article()
    response = client.get(reverse("comments:post", args=[article.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#laisser-un-commentaire"


def test_a_server_error_is_mailed_to_the_admins_and_logged(settings, make_article, mailoutbox, monkeypatch, caplog):
    settings.ADMINS = ["alice@exemple.fr"]
    article = make_article()

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(ArticleView, "get", broken)
    response = Client(raise_request_exception=False).get(article.get_absolute_url())
    assert response.status_code == 500
    assert "La rédaction en a été avertie" in response.content.decode()
    assert [mail.to for mail in mailoutbox] == [["alice@exemple.fr"]]
    assert "panne simulée" in mailoutbox[0].body
    assert any(record.levelname == "ERROR" and record.name == "django.request" for record in caplog.records)


def test_without_admins_a_server_error_is_logged_only(settings, make_article, mailoutbox, monkeypatch, caplog):
    settings.ADMINS = []
    article = make_article()
    monkeypatch.setattr(ArticleView, "get", lambda *args, **kwargs: 1 / 0)
    assert Client(raise_request_exception=False).get(article.get_absolute_url()).status_code == 500
    assert mailoutbox == []
    assert any(record.levelname == "ERROR" and record.name == "django.request" for record in caplog.records)


# The database out of reach ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("connection to server on socket failed: No such file or directory"),
        OperationalError("database is locked"),
        InterfaceError("connection already closed"),
    ],
    ids=["postgresql-stopped", "sqlite-locked", "connection-lost"],
)
def test_a_database_out_of_reach_gets_a_french_503_with_retry_after(make_article, monkeypatch, error):
    article = make_article()

    def unreachable(self, request, *args, **kwargs):
        raise error

    monkeypatch.setattr(ArticleView, "get", unreachable)
    response = Client(raise_request_exception=False).get(article.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Site momentanément indisponible" in response.content.decode()
    monkeypatch.undo()  # the database is back: the next request is served, nothing restarted
    assert Client().get(article.get_absolute_url()).status_code == 200


def test_staff_pages_get_the_503_too(editor_client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("django.contrib.admin.sites.AdminSite.each_context", unreachable)
    editor_client.raise_request_exception = False
    response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 503 and response["Retry-After"] == "60"


def test_a_moved_sqlite_database_is_not_recreated_empty(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "DJANGO_MEDIA_ROOT": str(tmp_path / "media")}
    assert manage("migrate", "--noinput", **env).returncode == 0  # the first migrate creates it
    script = (
        "import os; from django.db import connection; from articles.models import Article;"
        f"print(Article.objects.count()); connection.close(); os.rename({str(database)!r}, {str(database)!r} + '.moved');"
        "\ntry:\n    Article.objects.count(); print('recreated')\nexcept Exception as error: print(type(error).__name__)"
    )
    result = manage("shell", "--no-imports", "-c", script, **env)
    assert result.stdout.split() == ["0", "OperationalError"], result.stdout + result.stderr
    assert not database.exists()


def test_every_response_turns_off_the_browser_features_the_site_never_uses(client, editor_client, make_article):
    for response in [
        client.get(make_article().get_absolute_url()),
        client.get("/inconnue/"),
        editor_client.get("/admin/"),
    ]:
        policy = response["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy
