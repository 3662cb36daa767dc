"""Configuration comes from the environment: the embedded default runs, production fails loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "www.example.org",
    "DJANGO_EMAIL_HOST": "smtp.example.org",
}


def manage(*args, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_embedded_default_needs_no_configuration(tmp_path):
    result = manage("check", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr


def test_missing_secret_key_with_debug_off_stops_with_a_clear_message():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_invalid_boolean_is_reported():
    result = manage("check", DJANGO_DEBUG="peut-être")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_deploy_checks_say_when_production_has_no_mail_server(tmp_path):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_EMAIL_HOST"}
    result = manage("check", "--deploy", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", **env)
    assert result.returncode == 1
    # Django's own check: mail would be written to the console, never sent.
    assert "mail.E001" in result.stdout + result.stderr


def test_deploy_checks_pass_with_production_settings(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("settings.LANGUAGE_CODE", "fr"),
        ("settings.TIME_ZONE", "Europe/Paris"),
        ("settings.DATABASES['default']['ENGINE']", "django.db.backends.postgresql"),
        ("settings.DATABASES['default']['NAME']", "journal"),
        ("settings.ALLOWED_HOSTS", "['www.example.org', 'example.org']"),
        ("settings.SITE_NAME", "La Gazette"),
        ("settings.MEDIA_ROOT", "/srv/media"),
        ("settings.DEBUG", "False"),
    ],
)
def test_settings_are_read_from_the_environment(code, expected):
    result = manage(
        "shell",
        "-c",
        f"from django.conf import settings; print({code})",
        DATABASE_URL="postgres://redaction:secret@db.example.org:5432/journal",
        NEWSROOM_SITE_NAME="La Gazette",
        DJANGO_MEDIA_ROOT="/srv/media",
        **{**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": "www.example.org, example.org"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_the_suite_runs_on_the_database_it_was_given(db):
    """make test runs everything twice; make sure the PostgreSQL run really is on PostgreSQL."""
    from django.db import connection

    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected


POSTGRES_URL = "postgres://redaction:secret@db.example.org:5432/journal"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "None"),
        ({"DATABASE_POOL": "1"}, "{'min_size': 1, 'max_size': 1}"),
        (
            {"DATABASE_POOL": "on", "DATABASE_POOL_MIN_SIZE": "2", "DATABASE_POOL_MAX_SIZE": "8"},
            "{'min_size': 2, 'max_size': 8}",
        ),
    ],
)
def test_database_pool_is_switched_on_from_the_environment(env, expected):
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}).get('pool'))",
        DATABASE_URL=POSTGRES_URL,
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "sqlite:////tmp/newsroom-pool.sqlite3"}, "DATABASE_POOL needs PostgreSQL"),
        (
            {"DATABASE_URL": POSTGRES_URL, "DATABASE_CONN_MAX_AGE": "60"},
            "DATABASE_POOL replaces persistent connections",
        ),
        ({"DATABASE_URL": POSTGRES_URL, "DATABASE_POOL_MAX_SIZE": "0"}, "DATABASE_POOL_MIN_SIZE must be at least 1"),
    ],
)
def test_database_pool_misconfiguration_stops_with_a_clear_message(env, message):
    result = manage("check", DATABASE_POOL="1", **env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="psycopg's pool is for PostgreSQL"
)
def test_pooled_connections_to_postgresql_are_reused(django_db_setup, django_db_blocker):
    """The pool options the settings produce work against the real server, and keep the connection open."""
    from django.db import connection, connections

    # A second alias on the test database, declared the way settings.py declares the pool. Outside
    # a test case's transaction: the pool opens its connections from its own threads.
    connections.settings["pooled"] = {
        **connection.settings_dict,
        "CONN_MAX_AGE": 0,
        "OPTIONS": {"pool": {"min_size": 1, "max_size": 1}},
    }
    pooled = connections["pooled"]
    try:
        with django_db_blocker.unblock():
            with pooled.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                first_backend = cursor.fetchone()[0]
            pooled.close()  # end of a request: the connection goes back to the pool, still open
            with pooled.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid(), current_database()")
                second_backend, database = cursor.fetchone()
        assert pooled.pool is not None
        assert second_backend == first_backend
        assert database == connection.settings_dict["NAME"]
    finally:
        pooled.close()
        pooled.close_pool()
        del connections["pooled"]
        del connections.settings["pooled"]
