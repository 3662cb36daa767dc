"""Error pages readers and staff may meet: French, true to what happens, and never a dead end."""

import pytest
from django.test import Client
from django.urls import reverse

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
