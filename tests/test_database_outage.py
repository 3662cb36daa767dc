"""PostgreSQL stopped while the site runs: a French 503 with Retry-After; started again: served, nothing restarted.

Runs against the throwaway server `make test` starts (scripts/test.sh tells where it is); it stops
that very server and always starts it again.
"""

import os
import subprocess

import pytest
from django.db import connection, connections
from django.test import Client

PG_CTL = os.environ.get("NEWSROOM_TEST_PG_CTL", "")
PG_DATA = os.environ.get("NEWSROOM_TEST_PG_DATA", "")
PG_OPTIONS = os.environ.get("NEWSROOM_TEST_PG_OPTIONS", "")

pytestmark = [
    pytest.mark.skipif(not (PG_CTL and PG_DATA), reason="needs the PostgreSQL server `make test` starts"),
    pytest.mark.django_db(transaction=True),
]


def pg_ctl(*args: str) -> None:
    command = [PG_CTL, "-D", PG_DATA, *args]
    if os.geteuid() == 0:  # as scripts/test.sh started it: PostgreSQL refuses to run as root
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def test_postgresql_stopped_answers_503_then_the_site_comes_back_by_itself(make_article, editor):
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite run has no server to stop")
    article = make_article("Le pont des Roches rouvre")
    reader = Client(raise_request_exception=False)
    staff = Client(raise_request_exception=False)
    staff.force_login(editor)
    assert reader.get(article.get_absolute_url()).status_code == 200
    pg_ctl("stop", "-m", "fast", "-w")
    try:
        connections.close_all()
        for client, url in [(reader, article.get_absolute_url()), (reader, "/"), (staff, "/admin/")]:
            response = client.get(url)
            assert response.status_code == 503, url
            assert response["Retry-After"] == "60"
            assert "Site momentanément indisponible" in response.content.decode()
    finally:
        pg_ctl("start", "-w", "-l", os.path.join(os.path.dirname(PG_DATA), "server.log"), "-o", PG_OPTIONS)
    assert reader.get(article.get_absolute_url()).status_code == 200
    assert staff.get("/admin/").status_code == 200
