"""/sante/, the health probes' address: 200 « ok » in one query when the database and the cache answer,
503 with a French detail (and no traceback page, no server error logged) when either does not."""

import logging
import time
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_answers_ok_in_one_query_never_cached(client, django_assert_num_queries, page_cache):
    assert reverse("health") == "/sante/"
    with django_assert_num_queries(1) as queries:
        response = client.get("/sante/")
    assert queries.captured_queries[0]["sql"] == "SELECT 1"
    assert response.status_code == 200
    assert response.content.decode().splitlines()[:3] == ["ok", "base de données : ok", "cache : ok"]
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert not response.cookies  # no session, no CSRF cookie
    assert client.get("/sante/").get("X-Cache") != "HIT"  # the page cache never keeps it
    assert client.head("/sante/").status_code == 200


def test_answers_a_probe_by_address_over_plain_http(settings):
    # Varnish probes each app server by its address, over HTTP, with a Host the site does not know.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["www.exemple.fr"]
    response = Client().get("/sante/", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.content.startswith(b"ok\n")


def test_is_fast(client):
    client.get("/sante/")
    started = time.perf_counter()
    for _ in range(20):
        client.get("/sante/")
    assert (time.perf_counter() - started) / 20 < 0.02  # milliseconds, not a page render


def test_other_methods_are_refused(client):
    assert client.post("/sante/").status_code == 405


def test_database_down_answers_503_without_a_traceback(client, caplog):
    with (
        mock.patch("newsroom.health.connections") as connections,
        caplog.at_level(logging.WARNING),
    ):
        connections.__getitem__.return_value.cursor.side_effect = OperationalError("connection refused")
        response = client.get("/sante/")
    assert response.status_code == 503
    body = response.content.decode()
    assert body.splitlines()[:3] == ["indisponible", "base de données : ne répond pas", "cache : ok"]
    assert "Traceback" not in body
    assert response["Cache-Control"] == "no-store"
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]  # not a server error
    assert any("Health check failed" in record.getMessage() for record in caplog.records)


def test_cache_down_answers_503(client, settings, tmp_path):
    # A Redis that is not there: the forgiving cache reads as empty, the value written is not read back.
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.ForgivingRedisCache",
            "LOCATION": f"unix://{tmp_path}/no-redis-here.sock",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.content.decode().splitlines()[:3] == [
        "indisponible",
        "base de données : ok",
        "cache : ne répond pas",
    ]


def test_cache_raising_answers_503(client):
    with mock.patch("newsroom.health.cache") as cache:
        cache.get.side_effect = ConnectionError("cache unreachable")
        response = client.get("/sante/")
    assert response.status_code == 503
    assert "cache : ne répond pas" in response.content.decode()
