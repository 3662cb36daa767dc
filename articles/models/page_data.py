"""The one query behind ``Article.page_subjects``: everything the article page names besides its section."""

import datetime
import functools

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from taggit.models import Tag

from .corrections import Correction
from .personalities import Personality
from .tags import TaggedArticle
from .territories import Territory


def _stored_datetime(text: str):
    """A date and time read as text from the database (``Article.page_subjects``), as the field would give it.

    PostgreSQL writes it with its offset; SQLite stores it without one, in UTC.
    """
    value = parse_datetime(text)
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)


@functools.cache
def _page_subjects_sql() -> str:
    """The UNION behind ``Article.page_subjects``: rows of (kind, id, name, slug, extra) for one article."""
    quote = connections["default"].ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    def column(model, field: str) -> str:
        return quote(model._meta.get_field(field).column)

    # By name: the article's module imports this one (``Article.page_subjects`` runs this query).
    Article, BodyReference = apps.get_model("articles", "Article"), apps.get_model("articles", "BodyReference")
    user = get_user_model()
    places, people, authors = (Article.territories.through, Article.personalities.through, Article.authors.through)
    related = Article.related_articles.through

    def linked(kind, target, through, target_field, article_field, name, slug, extra="''"):
        return (
            f"SELECT '{kind}', t.{quote('id')}, t.{name}, t.{slug}, {extra} FROM {table(target)} t "
            f"JOIN {table(through)} l ON l.{column(through, target_field)} = t.{quote('id')} "
            f"WHERE l.{column(through, article_field)} = %s"
        )

    def referenced(kind, field):
        reference = column(BodyReference, field)
        return (
            f"SELECT '{kind}', {reference}, '', '', '' FROM {table(BodyReference)} "
            f"WHERE {column(BodyReference, 'article')} = %s AND {reference} IS NOT NULL"
        )

    parts = [
        linked("territory", Territory, places, "territory", "article", quote("name"), quote("slug")),
        linked("personality", Personality, people, "personality", "article", quote("name"), quote("slug")),
        linked("tag", Tag, TaggedArticle, "tag", "content_object", quote("name"), quote("slug")),
        linked(
            "author",
            user,
            authors,
            user._meta.model_name,
            "article",
            quote("first_name"),
            quote(user._meta.get_field(user.USERNAME_FIELD).column),
            f"t.{quote('last_name')}",
        ),
        referenced("image", "image"),
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
    ]
    return " UNION ALL ".join(parts)
