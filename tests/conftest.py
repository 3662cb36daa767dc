"""Shared fixtures: every test isolated, the newsroom's factories, its people and their browsers.

The factories themselves live in factories.py, one per kind of thing with one meaning each;
the ``make_*`` fixtures hand them to tests with the test's database and defaults.
"""

import functools

import factories
import page_cache_setup
import pytest
from browser import browser, logged_in, newsroom_roles, no_csp_violation, two_browsers  # noqa: F401 (fixtures for the browser tests)
from django.core.cache import cache
from django.test import Client
from worker import DeliveredMail

from comments.models import Comment


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, a test database in a file rather than in memory.

    Django hands an in-memory database's one connection to the live server, whose threads then
    share it with each other and with the test: a browser loading a page's scripts while the test
    reads the database made SQLite fail (« bad parameter or other API misuse »). With a file, each
    thread has a connection of its own, as under ``make run``.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("sqlite") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(settings, tmp_path):
    """Each test starts with an empty cache of its own, writes media to its own folder, and sees
    every page rendered (the page cache is tested on its own, in test_page_cache.py)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PAGE_CACHE_SECONDS = 0
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    cache.clear()


@pytest.fixture
def page_cache(settings, tmp_path):
    """The page cache on, over files that start empty, pages kept an hour (``page_cache_setup.turn_on``)."""
    page_cache_setup.turn_on(settings, tmp_path)
    yield
    cache.clear()


@pytest.fixture
def mailoutbox(mailoutbox):
    """pytest-django's, read once the task worker has delivered the outbox (``worker.run_tasks``)."""
    return DeliveredMail(mailoutbox)


@pytest.fixture
def make_section(db):
    return factories.make_section


@pytest.fixture
def section(make_section):
    return make_section("Économie & emploi", slug="economie-emploi")


@pytest.fixture
def make_territory(db):
    return factories.make_territory


@pytest.fixture
def make_personality(db):
    return factories.make_personality


@pytest.fixture
def make_article(db, section):
    """An article, published an hour ago unless told otherwise, in ``section`` unless told otherwise."""
    return functools.partial(factories.make_article, section=section)


@pytest.fixture
def make_user(db):
    """A staff member in the given newsroom groups (by name)."""
    return factories.make_user


@pytest.fixture
def make_image(db):
    """A library image, processed as the admin does it; a 900 × 600 JPEG unless given other bytes."""
    return factories.make_image


@pytest.fixture
def make_comment(db, moderator):
    """A reader's comment on an article, pending unless told otherwise; any other status is ``moderator``'s
    decision (recorded, with the article's public count kept in step)."""
    return functools.partial(factories.make_comment, moderator=moderator)


@pytest.fixture
def make_jeanne_comment(make_comment, article):
    """A comment by Jeanne (``factories.JEANNE_EMAIL``), the reader whose data is asked for, on the test
    module's ``article`` unless told otherwise; pending unless told otherwise."""

    def make(body="Très bon article.", **fields):
        fields.setdefault("author_name", "Jeanne Lefèvre")
        fields.setdefault("author_email", factories.JEANNE_EMAIL)
        fields.setdefault("ip_address", "203.0.113.7")
        return make_comment(fields.pop("article", article), body, **fields)

    return make


@pytest.fixture
def make_approved_comment(make_comment):
    """A comment already in the article's thread: posted earlier and approved by ``moderator``."""
    return functools.partial(make_comment, status=Comment.Status.APPROVED)


@pytest.fixture
def journalist(make_user):
    return make_user("journaliste", groups=["Journalistes"], last_name="Martin")


@pytest.fixture
def editor(make_user):
    return make_user("redactrice", groups=["Rédaction en chef"], last_name="Durand")


@pytest.fixture
def moderator(make_user):
    return make_user("moderateur", groups=["Modérateurs"])


@pytest.fixture
def marc(make_user):
    """An editor (« Rédaction en chef ») with a full name, as the notices show it."""
    return make_user("marc", groups=["Rédaction en chef"], first_name="Marc", last_name="Lhuillier")


@pytest.fixture
def journalist_client(client, journalist):
    client.force_login(journalist)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def moderator_client(moderator):
    # A client of its own, so that a test can use it next to journalist_client (the shared ``client``).
    client = Client()
    client.force_login(moderator)
    return client
