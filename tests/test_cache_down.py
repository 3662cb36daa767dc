"""Redis down: readers are still served (uncached), comments still posted, staff still sign in; nothing fails."""

import time

import pytest
from comment_form import post_comment
from django.test import Client
from django.urls import reverse
from factories import PASSWORD

from comments.models import Comment
from common import cache as forgiving

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down(settings, tmp_path):
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.ForgivingRedisCache",
            "LOCATION": f"unix://{tmp_path}/no-redis-here.sock",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.PAGE_CACHE_SECONDS = 3600


def test_readers_are_served_without_the_cache(cache_down, make_article, section):
    article = make_article("Le pont des Roches rouvre", slug="pont")
    reader = Client()
    for url in ["/", article.get_absolute_url(), section.get_absolute_url(), "/rss/", "/sitemap.xml"]:
        assert reader.get(url).status_code == 200, url
        assert reader.get(url).get("X-Cache") != "HIT", url  # served, never from a cache it cannot reach


def test_a_comment_is_still_posted_and_limits_fail_open(cache_down, make_article, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    article = make_article()
    for number in range(3):
        assert post_comment(Client(), article, body=f"Mon avis n° {number}, bien pesé.").status_code == 302
    assert Comment.objects.count() == 3


def test_staff_still_sign_in_and_work(cache_down, editor, make_article):
    article = make_article()
    client = Client()
    response = client.post(reverse("admin:login"), {"username": editor.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    article.title = "Titre revu pendant la panne"
    article.save()  # its purges find no cache: the change is saved all the same


def test_the_outage_is_logged_once_a_minute_not_once_a_call(cache_down, make_article, caplog, monkeypatch):
    article = make_article()
    now = time.monotonic() + 3600  # an hour into the outage
    monkeypatch.setattr(forgiving, "_clock", lambda: now)
    for _ in range(5):
        now += 10  # each page past the breaker's pause, so Redis is tried again: five failures in 50 s
        Client().get(article.get_absolute_url())
    logged = [record for record in caplog.records if record.name == "common.cache"]
    assert len(logged) == 1 and "Cache unavailable" in logged[0].getMessage()
