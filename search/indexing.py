"""Keeping articles' search data current.

The text to index is computed here, in Python, from the title, the standfirst, the
names of the article's tags, territories and personalities, and the words of its
body; it is then written with one UPDATE per batch of articles:

- on PostgreSQL into ``search_vector``, weighted (title A, standfirst B, names C,
  body D) with the ``french_unaccent`` configuration;
- elsewhere (SQLite) into ``search_text``, as normalised words (see ``search.text``).

Functions take the Article model as a parameter so that the migration creating the
fields can fill them with its historical model.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from unicodedata import normalize

from django.contrib.postgres.search import SearchVector
from django.db import connections
from django.db.models import Value

from .text import body_text, terms

SEARCH_CONFIG = "french_unaccent"
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
        def part(text: str, weight: str):
            return SearchVector(Value(text), config=SEARCH_CONFIG, weight=weight)

        return part(self.title, "A") + part(self.standfirst, "B") + part(self.names, "C") + part(self.body, "D")

    def normalised_text(self) -> str:
        """Title words | standfirst and names # body, each word surrounded by single spaces."""
        head = terms(f"{self.standfirst} {self.names}")
        return " ".join(["", *terms(self.title), TITLE_END, *head, HEAD_END, *terms(self.body), ""])


def documents(article_model, pks: Iterable[int], using: str = "default") -> dict[int, SearchDocument]:
    """The search documents of these articles, read in four queries whatever their number."""
    pks = list(pks)
    names = defaultdict(list)
    tagged_items = article_model._meta.get_field("tagged_items").related_model
    for article_id, name in (
        tagged_items.objects.using(using)
        .filter(content_object_id__in=pks)
        .values_list("content_object_id", "tag__name")
    ):
        names[article_id].append(name)
    for relation, target in (("territories", "territory"), ("personalities", "personality")):
        through = article_model._meta.get_field(relation).remote_field.through
        for article_id, name in (
            through.objects.using(using).filter(article_id__in=pks).values_list("article_id", f"{target}__name")
        ):
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


def refresh(article_model, pks: Iterable[int], using: str = "default") -> None:
    """Recompute and store the search data of these articles: one UPDATE per batch."""
    pks = sorted(set(pks))
    connection = connections[using]
    articles = article_model.objects.using(using)
    for start in range(0, len(pks), BATCH_SIZE):
        found = documents(article_model, pks[start : start + BATCH_SIZE], using)
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
    config = "%s::regconfig"
    vector = " || ".join(
        f"setweight(to_tsvector({config}, v.{part}), '{weight}')"
        for part, weight in [("title", "A"), ("standfirst", "B"), ("names", "C"), ("body", "D")]
    )
    rows = ", ".join(["(%s::bigint, %s::text, %s::text, %s::text, %s::text)"] * len(found))
    params = [SEARCH_CONFIG] * 4
    for pk, document in found.items():
        params += [pk, document.title, document.standfirst, document.names, document.body]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(opts.db_table)} AS a SET search_vector = {vector} "
            f"FROM (VALUES {rows}) AS v(id, title, standfirst, names, body) WHERE a.{quote(opts.pk.column)} = v.id",
            params,
        )
