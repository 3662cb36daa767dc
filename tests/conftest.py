"""Shared fixtures: small factories for the newsroom's content and its people."""

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article, Personality, Section, Territory

_counter = itertools.count(1)


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


def _named_factory(model, default_name: str, slug_prefix: str):
    def make(name=None, **fields):
        number = next(_counter)
        fields.setdefault("slug", f"{slug_prefix}-{number}")
        return model.objects.create(name=name or f"{default_name} {number}", **fields)

    return make


@pytest.fixture
def make_section(db):
    return _named_factory(Section, "Rubrique", "rubrique")


@pytest.fixture
def section(make_section):
    return make_section("Économie & emploi", slug="economie-emploi")


@pytest.fixture
def make_territory(db):
    def make(name=None, kind=Territory.Kind.COMMUNE, parent=None, groupings=(), **fields):
        number = next(_counter)
        name = name or f"Commune {number}"
        fields.setdefault("slug", f"territoire-{number}")
        territory = Territory.objects.create(name=name, kind=kind, parent=parent, **fields)
        if groupings:
            territory.groupings.add(*groupings)
        return territory

    return make


@pytest.fixture
def make_personality(db):
    return _named_factory(Personality, "Personne", "personne")


@pytest.fixture
def make_article(db, section):
    """An article, published an hour ago unless told otherwise."""

    def make(
        title=None,
        *,
        status=Article.Status.PUBLISHED,
        published_at="default",
        tags=(),
        territories=(),
        personalities=(),
        authors=(),
        related=(),
        **fields,
    ):
        number = next(_counter)
        fields.setdefault("section", section)
        fields.setdefault("slug", f"article-{number}")
        fields.setdefault("standfirst", f"Le chapô de l’article {number}.")
        fields.setdefault("body", f"<p>Premier paragraphe de l’article {number}.</p><p>Deuxième paragraphe.</p>")
        if published_at == "default":
            published_at = timezone.now() - timedelta(hours=1) if status == Article.Status.PUBLISHED else None
        article = Article.objects.create(
            title=title or f"Article numéro {number}", status=status, published_at=published_at, **fields
        )
        if tags:
            article.tags.add(*tags)
        article.territories.add(*territories)
        article.personalities.add(*personalities)
        article.authors.add(*authors)
        article.related_articles.add(*related)
        return article

    return make


@pytest.fixture
def make_user(db, django_user_model):
    """A staff member in the given newsroom groups (by name)."""

    def make(username=None, groups=(), **fields):
        username = username or f"user{next(_counter)}"
        fields.setdefault("is_staff", True)
        fields.setdefault("first_name", username.capitalize())
        user = django_user_model.objects.create_user(username=username, password="motdepasse-test-123", **fields)
        user.groups.add(*Group.objects.filter(name__in=groups))
        return user

    return make


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
def journalist_client(client, journalist):
    client.force_login(journalist)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
