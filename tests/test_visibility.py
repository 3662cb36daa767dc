"""Who sees what: the one « published » rule, scheduling without a worker, and the staff preview."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "offset", "visible"),
    [
        (Article.Status.DRAFT, None, False),
        (Article.Status.SUBMITTED, None, False),
        (Article.Status.PUBLISHED, timedelta(hours=-1), True),
        (Article.Status.PUBLISHED, timedelta(hours=+1), False),
        (Article.Status.UNPUBLISHED, timedelta(hours=-1), False),
    ],
    ids=["draft", "submitted", "published", "scheduled", "unpublished"],
)
def test_published_queryset_and_article_page_agree(client, make_article, status, offset, visible):
    published_at = timezone.now() + offset if offset is not None else None
    article = make_article("Visibilité", status=status, published_at=published_at)

    assert (article in Article.objects.published()) is visible
    response = client.get(article.get_absolute_url())
    assert response.status_code == (200 if visible else 404)


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.SUBMITTED, Article.Status.UNPUBLISHED])
def test_hidden_articles_are_absent_from_every_list(client, make_article, make_territory, make_personality, status):
    metz = make_territory("Metz", slug="metz")
    minister = make_personality("Jeanne Ministre", slug="jeanne-ministre")
    shown = make_article(
        "Article visible", territories=[metz], personalities=[minister], tags=["FinTech"], is_featured=True
    )
    hidden = make_article(
        "Article caché",
        status=status,
        published_at=timezone.now() - timedelta(days=1),
        territories=[metz],
        personalities=[minister],
        tags=["FinTech"],
        is_featured=True,
    )

    for url in [
        reverse("articles:home"),
        shown.section.get_absolute_url(),
        metz.get_absolute_url(),
        minister.get_absolute_url(),
        reverse("articles:tag", args=["fintech"]),
    ]:
        html = client.get(url).content.decode()
        assert shown.title in html, url
        assert hidden.title not in html, url


def test_scheduled_article_appears_at_its_date_without_any_worker(client, make_article):
    publication = timezone.now() + timedelta(days=2)
    article = make_article("Programmé", published_at=publication)

    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Programmé" not in client.get(reverse("articles:home")).content.decode()

    with time_machine.travel(publication + timedelta(minutes=1)):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert "Programmé" in client.get(reverse("articles:home")).content.decode()


def test_publishing_without_date_sets_it_to_now(make_article, editor):
    article = make_article(status=Article.Status.DRAFT)
    before = timezone.now()
    article.publish(by=editor)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert before <= article.published_at <= timezone.now()


@pytest.mark.parametrize("status", list(Article.Status.values))
def test_staff_preview_shows_any_status_and_is_never_cached(journalist_client, make_article, status):
    article = make_article("Aperçu demandé", status=status)
    response = journalist_client.get(article.get_preview_url())
    assert response.status_code == 200
    assert "Aperçu demandé" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    assert 'name="robots" content="noindex' in response.content.decode()


def test_preview_is_refused_to_readers_and_to_moderators(client, make_article, moderator):
    article = make_article(status=Article.Status.DRAFT)
    response = client.get(article.get_preview_url())
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]

    client.force_login(moderator)
    assert client.get(article.get_preview_url()).status_code == 403
