"""Every subject declared in ``articles.subjects`` is one for staff as much as for readers.

This walks the declarations, not a list of kinds: a subject added tomorrow is checked by the
same tests, which fail naming it when one of the places that read the declarations leaves it
out — versions, restore, the article page, search, the page cache, the editors' form and roles.
"""

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from articles.admin import ArticleAdminForm
from articles.history import restore
from articles.models import Article, ArticleRevision
from articles.revisions import Kept, comparable, snapshot, tracked_fields
from articles.subjects import SUBJECTS
from search.backends import search_articles

_numbers = itertools.count(1)

by_kind = pytest.mark.parametrize("subject", SUBJECTS, ids=lambda subject: subject.kind)


def make_one(subject, word: str = "Sujet"):
    """One subject of this kind, filling what its model requires: a name that reads as a word
    (``Sujet 3``), an address from it, a choice's first value."""
    number = next(_numbers)
    name = f"{word}{number}"
    model = subject.model
    if model is get_user_model():
        return model.objects.create_user(username=f"auteur{number}", first_name=name, last_name=f"Nom{number}")
    fields = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.null or field.has_default() or getattr(field, "auto_now_add", False):
            continue
        if field.choices:
            fields[field.name] = field.choices[0][0]
        elif isinstance(field, models.SlugField):
            fields[field.name] = slugify(name)
        elif isinstance(field, models.CharField | models.TextField) and not field.blank:
            fields[field.name] = name
    return model.objects.create(**fields)


def attach(article, subject, thing) -> None:
    if subject.kept_as == Kept.ONE:
        setattr(article, subject.article_field, thing)
        article.save()
    else:
        getattr(article, subject.article_field).add(thing)


def detach(article, subject) -> None:
    """Take the subject away (a foreign key, which cannot be empty, is pointed at another one)."""
    if subject.kept_as == Kept.ONE:
        attach(article, subject, make_one(subject))
    else:
        getattr(article, subject.article_field).clear()


def holds(article, subject, thing) -> bool:
    if subject.kept_as == Kept.ONE:
        return getattr(article, f"{subject.article_field}_id") == thing.pk
    return getattr(article, subject.article_field).filter(pk=thing.pk).exists()


@pytest.fixture
def about(make_article):
    """A published article about a new subject of this kind: (article, subject)."""

    def make(subject, word="Sujet"):
        article, thing = make_article(), make_one(subject, word)
        attach(article, subject, thing)
        return article, thing

    return make


@by_kind
def test_every_subject_is_versioned(subject, about, editor):
    article, thing = about(subject)
    assert subject.article_field in tracked_fields(), f"« {subject.kind} »: not among the fields versions keep"
    kept = comparable(subject.article_field, snapshot(article).get(subject.article_field))
    expected = thing.name.casefold() if subject.kept_as == Kept.NAMES else thing.pk
    assert expected in (kept if isinstance(kept, list) else [kept]), f"« {subject.kind} »: a version does not keep it"


@by_kind
def test_every_subject_is_restored_with_its_version(subject, about, editor):
    article, thing = about(subject)
    version = ArticleRevision.objects.record(article, editor)
    detach(article, subject)
    ArticleRevision.objects.record(article, editor)
    assert not holds(article, subject, thing)

    restore(article, version, editor)

    article = Article.objects.get(pk=article.pk)
    assert holds(article, subject, thing), f"« {subject.kind} »: restoring a version does not bring it back"


@by_kind
def test_every_subject_is_named_on_the_article_page(subject, about, client):
    article, thing = about(subject)
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{subject.url(thing)}"' in page, f"« {subject.kind} »: the article page does not link to it"


@by_kind
def test_every_subject_is_found_by_search_as_declared(subject, about):
    article, thing = about(subject, word="Zorglub")
    found = [result.pk for result in search_articles(str(subject.name(thing)))]
    if subject.name_is_searched:
        assert article.pk in found, f"« {subject.kind} »: declared searched, but its name does not find the article"
    else:
        assert article.pk not in found, f"« {subject.kind} »: declared not searched, but its name finds the article"


def is_cached(client, url) -> bool:
    return client.head(url).get("X-Cache") == "HIT"


@by_kind
def test_every_subject_page_is_purged_when_an_article_or_the_subject_changes(
    subject, about, make_article, client, page_cache, django_capture_on_commit_callbacks
):
    article, thing = about(subject)
    url = subject.url(thing)
    for _ in range(2):
        assert client.get(url).status_code == 200
    assert is_cached(client, url), f"« {subject.kind} »: its page is not kept by the page cache"

    with django_capture_on_commit_callbacks(execute=True):
        attach(make_article(), subject, thing)
    assert not is_cached(client, url), f"« {subject.kind} »: a new article about it leaves its page stale"

    if subject.purged_on_save:
        client.get(url)
        with django_capture_on_commit_callbacks(execute=True):
            thing.save()
        assert not is_cached(client, url), f"« {subject.kind} »: saving it leaves its page stale"


@by_kind
def test_every_subject_is_in_the_article_form_and_editors_may_use_it(subject, editor_client):
    assert subject.article_field in ArticleAdminForm.base_fields, f"« {subject.kind} »: not in the article form"
    form = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    assert f'name="{subject.article_field}"' in form, f"« {subject.kind} »: editors do not see it in the article form"
    if not subject.managed_by_editors:
        return
    meta = subject.model._meta
    codenames = {f"{action}_{meta.model_name}" for action in ("add", "change", "delete", "view")}
    for role, needed in [("Rédaction en chef", codenames), ("Journalistes", {f"view_{meta.model_name}"})]:
        held = set(
            Permission.objects.filter(group__name=role, content_type__app_label=meta.app_label).values_list(
                "codename", flat=True
            )
        )
        assert needed <= held, (
            f"« {subject.kind} »: the role « {role} » lacks {sorted(needed - held)}: "
            f"grant them in a migration (common.roles.grant_app_permissions)"
        )
    assert Group.objects.filter(name="Rédaction en chef").exists()
