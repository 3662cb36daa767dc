"""Keeping the search data current: the indexer and its receivers take the subjects from their declarations.

What readers find is tested through the page in test_search.py; here, on both databases:
that ``search`` reads which subjects' names are searched from ``articles.subjects``, what a
refresh costs, and the migration that fills the articles already there.
"""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.subjects import SUBJECTS
from search.backends import search_articles
from search.indexing import SEARCHED_LINKS, SEARCHED_SUBJECTS, documents, refresh_articles

pytestmark = pytest.mark.django_db


def stored() -> dict[int, list]:
    """Each article's search data as the database holds it."""
    return {pk: data for pk, *data in Article.objects.values_list("pk", *Article.SEARCH_FIELDS)}


def found(query: str) -> list[int]:
    return [article.pk for article in search_articles(query)]


def test_the_names_indexed_are_those_of_the_subjects_declared_searched(make_article, make_territory, make_personality):
    article = make_article(
        territories=[make_territory("Épinal")],
        personalities=[make_personality("Claire Muller")],
        tags=["Tramway"],
    )

    # Not the section's name, nor the authors': their declarations leave them out.
    assert documents(Article, [article.pk])[article.pk].names == "Claire Muller Tramway Épinal"


def test_a_subject_stored_on_the_article_itself_is_indexed_once_declared(make_article, make_section):
    on_the_article = next(subject for subject in SUBJECTS if not subject.link.is_link_table)
    article = make_article(section=make_section("Sidérurgie"))

    assert "Sidérurgie" not in documents(Article, [article.pk])[article.pk].names
    names = documents(Article, [article.pk], links=[*SEARCHED_LINKS, on_the_article.link])[article.pk].names
    assert "Sidérurgie" in names


@pytest.mark.parametrize("subject", SEARCHED_SUBJECTS, ids=lambda subject: subject.kind)
def test_every_searched_subject_keeps_its_articles_current(make_article, subject):
    article = make_article("Conseil municipal")
    thing = subject.model.objects.create(name="Zeppelinville", slug="zeppelinville")

    getattr(article, subject.article_field).add(thing)
    assert found("zeppelinville") == [article.pk]

    thing.name = "Montgolfièreville"
    thing.save()
    assert found("zeppelinville") == [] and found("montgolfiereville") == [article.pk]

    thing.delete()
    assert found("montgolfiereville") == [] and found("conseil") == [article.pk]


@pytest.mark.parametrize("count", [1, 3])
def test_a_refresh_is_one_update_whatever_the_number_of_articles(make_article, make_territory, count):
    metz = make_territory("Metz")
    pks = [make_article(territories=[metz], tags=["Tramway"]).pk for _ in range(count)]

    with CaptureQueriesContext(connection) as queries:
        refresh_articles(pks)

    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    # The articles' texts, the names of each searched subject, then one write.
    assert statements == ["SELECT"] * (1 + len(SEARCHED_LINKS)) + ["UPDATE"]


def test_refresh_articles_takes_a_queryset_or_ids_and_writes_what_the_receivers_did(
    make_article, make_territory, make_personality
):
    metz, maire = make_territory("Metz"), make_personality("Patricia Klein")
    pks = [
        make_article(f"Les élus n°{number}", territories=[metz], personalities=[maire], tags=["Tramway"]).pk
        for number in range(3)
    ]
    expected = stored()  # written one article at a time, by the receivers
    Article.objects.update(search_vector=None, search_text="")

    refresh_articles(Article.objects.filter(pk__in=pks[:2]))
    refresh_articles(pks[2:])

    assert stored() == expected


def test_the_migration_fills_existing_articles_with_historical_models(make_article, make_territory, make_personality):
    make_article(
        "Les élus d’Épinal",
        territories=[make_territory("Épinal")],
        personalities=[make_personality("Claire Muller")],
        tags=["Tramway"],
    )
    make_article("Sans lien")
    expected = stored()
    Article.objects.update(search_vector=None, search_text="")
    migration = import_module("search.migrations.0001_fill_search_data")
    historical = MigrationLoader(connection).project_state(("search", "0001_fill_search_data")).apps

    migration.fill_search_data(historical, SimpleNamespace(connection=connection))

    assert stored() == expected
