"""Columns that apps above ``articles`` add to the desk's list of articles (the readings, from ``popularity``).

``articles`` never imports those apps (see the layers in pyproject.toml). Each one registers its
column from its ``AppConfig.ready()``; ``ArticleAdmin`` lists the registered columns after its own
and, once the page of articles is known, asks each column for the values of the whole page at
once — one query per column, never one per article.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib import admin


@dataclass(frozen=True)
class ChangelistColumn:
    """One column: ``values(ids)`` returns what to show for those articles' ids (missing ids show ``empty``)."""

    name: str
    description: str
    values: Callable[[list[int]], dict[int, object]]
    empty: object = "—"

    @property
    def attribute(self) -> str:
        return f"_admin_column_{self.name}"


_columns: dict[str, ChangelistColumn] = {}


def register(column: ChangelistColumn) -> None:
    # By name: registering again (a second ready()) replaces the column rather than showing it twice.
    _columns[column.name] = column


def registered() -> tuple[ChangelistColumn, ...]:
    return tuple(_columns.values())


def list_display() -> list[Callable]:
    """The registered columns as ``list_display`` entries."""
    return [_display(column) for column in registered()]


def fill(articles: Iterable) -> None:
    """Give the page's articles each column's value: one call of ``values`` per column."""
    articles = list(articles)
    ids = [article.pk for article in articles]
    for column in registered():
        values = column.values(ids) if ids else {}
        for article in articles:
            setattr(article, column.attribute, values.get(article.pk, column.empty))


def _display(column: ChangelistColumn) -> Callable:
    @admin.display(description=column.description)
    def show(article):
        return getattr(article, column.attribute, column.empty)

    show.__name__ = column.name  # the admin names the column's cells by it
    return show
