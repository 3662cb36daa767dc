"""The one query behind ``Article.page_data``: everything the article page shows besides the article's own row.

One UNION of small parts, each naming the article once: a part per subject kept in a link
table (``articles.subjects``: places, people, topic tags, authors…), then what the text points
to, the related articles and the rectificatifs. The subjects' parts are built from their
declarations, found through the app's config (``ArticlesConfig.subjects``): the declarations
import the models, so the models cannot import them.
"""

import datetime
import functools
from collections import defaultdict

from django.apps import apps
from django.db import connections
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .corrections import Correction


def _stored_datetime(text: str):
    """A date and time read as text from the database (``Article.page_data``), as the field would give it.

    PostgreSQL writes it with its offset; SQLite stores it without one, in UTC.
    """
    value = parse_datetime(text)
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)


def _shown_subjects() -> tuple:
    """The subjects the page reads in its data query: those linked through a table (the section is
    the article's own foreign key, read with its row)."""
    return tuple(subject for subject in apps.get_app_config("articles").subjects if subject.link.is_link_table)


@functools.cache
def _page_data_parts() -> tuple[str, ...]:
    """The UNION's parts, each giving rows of (kind, id, name, slug, extra) and taking the article's id once."""
    quote = connections["default"].ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    def column(model, field: str) -> str:
        return quote(model._meta.get_field(field).column)

    # By name: the article's module imports this one (``Article.page_data`` runs this query).
    Article, BodyReference = apps.get_model("articles", "Article"), apps.get_model("articles", "BodyReference")
    related = Article.related_articles.through

    def linked(subject) -> str:
        target, link = subject.model, subject.link
        name, slug, extra = (f"t.{column(target, field)}" if field else "''" for field in subject.page_columns)
        return (
            f"SELECT '{subject.kind}', t.{quote(target._meta.pk.column)}, {name}, {slug}, {extra} "
            f"FROM {table(target)} t JOIN {table(link.table)} l "
            f"ON l.{column(link.table, link.subject_field)} = t.{quote(target._meta.pk.column)} "
            f"WHERE l.{column(link.table, link.article_field)} = %s"
        )

    def referenced(kind, field) -> str:
        reference = column(BodyReference, field)
        return (
            f"SELECT '{kind}', {reference}, '', '', '' FROM {table(BodyReference)} "
            f"WHERE {column(BodyReference, 'article')} = %s AND {reference} IS NOT NULL"
        )

    return (
        *(linked(subject) for subject in _shown_subjects()),
        referenced("image", "image"),
        referenced("document", "document"),
        referenced("link", "target_article"),
        (
            f"SELECT 'related', {column(related, 'to_article')}, '', '', '' FROM {table(related)} "
            f"WHERE {column(related, 'from_article')} = %s"
        ),
        # The date as text, the only type the UNION's last column can share (_stored_datetime reads it).
        (
            f"SELECT 'correction', {quote('id')}, {column(Correction, 'text')}, {column(Correction, 'kind')}, "
            f"CAST({column(Correction, 'published_at')} AS TEXT) FROM {table(Correction)} "
            f"WHERE {column(Correction, 'article')} = %s"
        ),
    )


def page_data_query(article_id: int) -> tuple[str, list]:
    """The query's SQL and its parameters, together: every part takes the article's id once."""
    parts = _page_data_parts()
    return " UNION ALL ".join(parts), [article_id] * len(parts)


def read_page_data(article) -> dict:
    """Run the query for ``article`` and sort its rows by what they are (``Article.page_data``)."""
    found = defaultdict(list)
    sql, params = page_data_query(article.pk)
    with connections[article._state.db or "default"].cursor() as cursor:
        cursor.execute(sql, params)
        for kind, *row in cursor.fetchall():
            found[kind].append(row)
    corrections = [
        Correction(pk=pk, article=article, text=text, kind=kind, published_at=_stored_datetime(published_at))
        for pk, text, kind, published_at in found["correction"]
    ]
    return {
        **{
            subject.article_field: sorted(
                (subject.from_page_row(*row) for row in found[subject.kind]), key=subject.page_order
            )
            for subject in _shown_subjects()
        },
        "image_ids": {row[0] for row in found["image"]},
        "document_ids": {row[0] for row in found["document"]},
        "linked_article_ids": {row[0] for row in found["link"]},
        "related_article_ids": [row[0] for row in found["related"]],
        "corrections": sorted(corrections, key=lambda correction: (correction.published_at, correction.pk)),
    }
