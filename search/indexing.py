"""Keeping articles' search data current.

The text to index is computed here, in Python, from the title, the standfirst, the
names of the article's searched subjects (those declared with ``name_is_searched`` in
``articles.subjects``: places, people, tags…), and the words of its body; it is then
written with one UPDATE per batch of articles:

- on PostgreSQL into ``search_vector``, weighted (``WEIGHTS``: title A, standfirst B,
  names C, body D) with the ``french_unaccent`` configuration;
- elsewhere (SQLite) into ``search_text``, as normalised words (see ``search.text``).

``refresh_articles()`` is what the receivers (``search.signals``), the rebuild command and
the tools call. ``refresh()`` and ``documents()`` take the Article model and the link
tables as parameters, so that a migration can fill the data with historical models.
"""

import contextlib
import contextvars
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from unicodedata import normalize

from django.contrib.postgres.search import SearchVector
from django.db import connections
from django.db.models import QuerySet, Value

from articles.models import Article
from articles.subjects import SUBJECTS, ArticleLink, Subject

from .text import body_text, terms

SEARCH_CONFIG = "french_unaccent"
# The weight of each part of a document (see SearchDocument), for ranking: A counts most.
WEIGHTS = {"title": "A", "standfirst": "B", "names": "C", "body": "D"}
# The subjects whose names are indexed with their articles, and where those names are read.
SEARCHED_SUBJECTS: tuple[Subject, ...] = tuple(subject for subject in SUBJECTS if subject.name_is_searched)
SEARCHED_LINKS: tuple[ArticleLink, ...] = tuple(subject.link for subject in SEARCHED_SUBJECTS)
BATCH_SIZE = 500
# In ``search_text``, after the title's words, then after the standfirst's and the names':
# the SQLite ranking counts matches there apart. ``terms()`` only yields letters and digits.
TITLE_END = "|"
HEAD_END = "#"


@dataclass
class SearchDocument:
    """What is indexed for one article, by weight."""

    title: str
    standfirst: str
    names: str
    body: str

    def vector(self):
        """The weighted vector, as an expression for the ORM's UPDATE (PostgreSQL)."""
        parts = (
            SearchVector(Value(getattr(self, part)), config=SEARCH_CONFIG, weight=weight)
            for part, weight in WEIGHTS.items()
        )
        return reduce(operator.add, parts)

    def normalised_text(self) -> str:
        """Title words | standfirst and names # body, each word surrounded by single spaces."""
        head = terms(f"{self.standfirst} {self.names}")
        return " ".join(["", *terms(self.title), TITLE_END, *head, HEAD_END, *terms(self.body), ""])


def documents(
    article_model,
    pks: Iterable[int],
    using: str = "default",
    links: Iterable[ArticleLink] = SEARCHED_LINKS,
) -> dict[int, SearchDocument]:
    """The search documents of these articles: one query, plus one per searched subject.

    ``links`` say where the subjects' names are (``<subject_field>__name``).
    """
    pks = list(pks)
    names = defaultdict(list)
    for link in links:
        rows = link.table.objects.using(using).filter(**{f"{link.article_column}__in": pks})
        for article_id, name in rows.values_list(link.article_column, f"{link.subject_field}__name"):
            names[article_id].append(name)
    return {
        pk: SearchDocument(
            # Composed accents, as unaccent expects them (text pasted from a Mac may be decomposed).
            title=normalize("NFC", title),
            standfirst=normalize("NFC", standfirst),
            names=normalize("NFC", " ".join(sorted(names[pk]))),
            body=body_text(body),
        )
        for pk, title, standfirst, body in article_model.objects.using(using)
        .filter(pk__in=pks)
        .values_list("pk", "title", "standfirst", "body")
    }


# Inside ``refreshes_deferred()``: the articles to refresh when it ends.
_deferred_refreshes: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "deferred_refreshes", default=None
)


@contextlib.contextmanager
def refreshes_deferred():
    """Refresh each article once, when a batch of writes ends, rather than after each of its changes.

    An imported article is saved, then given its tags, places, people and authors: four refreshes
    of the same row, one is enough. On an error nothing is refreshed (its transaction is lost anyway).
    """
    collected: set[int] = set()
    token = _deferred_refreshes.set(collected)
    try:
        yield
    finally:
        _deferred_refreshes.reset(token)
    if collected:
        refresh_articles(collected)


def refresh_articles(articles: QuerySet | Iterable[int]) -> None:
    """Recompute and store the search data of these articles (a queryset, or ids), in batches.

    What follows every change to what is indexed (``search.signals``), and rebuilds.
    """
    deferred = _deferred_refreshes.get()
    if deferred is not None:
        deferred.update(articles.values_list("pk", flat=True) if isinstance(articles, QuerySet) else articles)
        return
    if isinstance(articles, QuerySet):
        refresh(articles.model, articles.order_by().values_list("pk", flat=True), using=articles.db)
    else:
        refresh(Article, articles)


def refresh(
    article_model,
    pks: Iterable[int],
    using: str = "default",
    links: Iterable[ArticleLink] = SEARCHED_LINKS,
) -> None:
    """Recompute and store the search data of these articles: one UPDATE per batch.

    ``article_model`` and ``links`` may be historical (a migration's); see ``documents()``.
    """
    pks = sorted(set(pks))
    connection = connections[using]
    articles = article_model.objects.using(using)
    for start in range(0, len(pks), BATCH_SIZE):
        found = documents(article_model, pks[start : start + BATCH_SIZE], using, links)
        if connection.vendor != "postgresql":
            articles.bulk_update(
                [article_model(pk=pk, search_text=document.normalised_text()) for pk, document in found.items()],
                ["search_text"],
            )
        elif len(found) == 1:
            # The everyday case, after an edit: the ORM's UPDATE.
            [(pk, document)] = found.items()
            articles.filter(pk=pk).update(search_vector=document.vector())
        elif found:
            _update_vectors(connection, article_model._meta, found)


def _update_vectors(connection, opts, found: dict[int, SearchDocument]) -> None:
    """PostgreSQL, many articles: one UPDATE … FROM (VALUES …), without the ORM's per-row CASE.

    bulk_update() would build and compile a CASE of four weighted vectors per article,
    which makes rebuilding a large archive several times slower.
    """
    vector = " || ".join(
        f"setweight(to_tsvector(%s::regconfig, v.{part}), '{weight}')" for part, weight in WEIGHTS.items()
    )
    rows = ", ".join([f"(%s::bigint{', %s::text' * len(WEIGHTS)})"] * len(found))
    params = [SEARCH_CONFIG] * len(WEIGHTS)
    for pk, document in found.items():
        params += [pk, *(getattr(document, part) for part in WEIGHTS)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(opts.db_table)} AS a SET search_vector = {vector} "
            f"FROM (VALUES {rows}) AS v(id, {', '.join(WEIGHTS)}) WHERE a.{quote(opts.pk.column)} = v.id",
            params,
        )
