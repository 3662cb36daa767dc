"""Searching published articles: one entry point, two backends chosen by the database.

``search_articles(query, section=None, territory=None)`` returns the published
articles matching every word of the query, best first, each with ``search_rank``, as
``SearchResults`` (a sequence the paginator slices); after pagination,
``add_excerpts(articles, query)`` gives each article of the page a ``search_excerpt``:
escaped HTML with the matched words in <mark>.

Ranking reads every candidate's search data, so its cost grows with the number of
matches: with 100,000 articles, a word found in half of them took about a second.
The candidates are therefore the ``MAX_CANDIDATES`` most recent matches (the planner
finds them through the date index for a common word, through the GIN index for a rare
one), read once; a page ranks them, and the page says when there were more.

- PostgreSQL: full-text search on ``Article.search_vector`` (GIN index) with the
  ``french_unaccent`` configuration; any input parses (``websearch_to_tsquery``),
  ``ts_rank`` orders, ``ts_headline`` writes the excerpt.
- SQLite (the embedded default): every normalised query word must appear as a word of
  ``Article.search_text``; matches are counted, those in the title, the standfirst and
  the names weighing more; the excerpt is made in Python.
"""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Func, QuerySet, TextField, Value
from django.db.models.functions import Length, Replace, StrIndex, Substr

from articles.models import Article, Section, Territory

from .indexing import HEAD_END, SEARCH_CONFIG, TITLE_END
from .text import HEADLINE_START, HEADLINE_STOP, body_text, headline_to_html, highlight, number_twins, query_terms

MAX_CANDIDATES = 1000
EXCERPT_WORDS = 30
# SQLite fallback: a word of the title counts as much as fourteen in the body (10 + 3 + 1),
# one of the standfirst or of the names of tags, places and people as much as four.
TITLE_WEIGHT = 10
HEAD_WEIGHT = 3


class FrenchSearchQuery(SearchQuery):
    """``websearch_to_tsquery`` (any input parses), with each word's plural or singular twin.

    ``ts_rewrite`` replaces each word's lexeme by « lexeme OR its twin's lexeme » inside
    the parsed query, so phrases, OR and negation keep their meaning. PostgreSQL folds
    the whole expression to a constant once per query: the GIN index still applies.
    """

    def __init__(self, value: str, config: str):
        super().__init__(value, search_type="websearch", config=config)
        self.twins = number_twins(value)
        self.config_name = config

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = super().as_sql(compiler, connection, function, template)
        lexemes = "plainto_tsquery(%s::regconfig, %s)"
        for word, twin in self.twins:
            sql = f"ts_rewrite({sql}, {lexemes}, {lexemes} || {lexemes})"
            params = (*params, self.config_name, word, self.config_name, word, self.config_name, twin)
        return sql, params


class PostgresBackend:
    """Full-text search with stemming and accent folding, ranked by ts_rank."""

    name = "postgresql"

    def match(self, articles: QuerySet, query: str) -> QuerySet:
        return articles.filter(search_vector=FrenchSearchQuery(query, config=SEARCH_CONFIG))

    def rank(self, articles: QuerySet, query: str) -> QuerySet:
        ts_query = FrenchSearchQuery(query, config=SEARCH_CONFIG)
        # The body is HTML: its tags are dropped in SQL so that the excerpt never cuts one
        # in half; its entities (« &lt; », « &amp; ») are decoded in Python, then escaped.
        body_words = Func(
            F("body"), Value("<[^>]*>"), Value(" "), Value("g"), function="regexp_replace", output_field=TextField()
        )
        return articles.annotate(
            search_rank=SearchRank(F("search_vector"), ts_query),
            # Evaluated by PostgreSQL for the rows of the page only, after ORDER BY … LIMIT.
            search_headline=SearchHeadline(
                body_words,
                ts_query,
                config=SEARCH_CONFIG,
                start_sel=HEADLINE_START,
                stop_sel=HEADLINE_STOP,
                max_words=EXCERPT_WORDS,
                min_words=EXCERPT_WORDS // 2,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        ).order_by("-search_rank", "-published_at", "-pk")

    def add_excerpts(self, articles, query: str) -> None:
        for article in articles:
            article.search_excerpt = headline_to_html(article.search_headline)


class SimpleBackend:
    """SQLite fallback: normalised words (no accents, small French stemmer), ranked by weighted counts."""

    name = "simple"

    def match(self, articles: QuerySet, query: str) -> QuerySet:
        wanted = query_terms(query)
        if not wanted:
            return articles.none()
        for term in wanted:
            articles = articles.filter(search_text__contains=f" {term} ")
        return articles

    def rank(self, articles: QuerySet, query: str) -> QuerySet:
        text = F("search_text")
        title = Substr(text, 1, StrIndex(text, Value(TITLE_END)))
        head = Substr(text, 1, StrIndex(text, Value(HEAD_END)))
        rank = Value(0)
        for term in query_terms(query):
            rank += (
                TITLE_WEIGHT * self._occurrences(title, term)
                + HEAD_WEIGHT * self._occurrences(head, term)
                + self._occurrences(text, term)
            )
        return (
            articles.annotate(search_rank=rank)
            # The excerpt is cut from the body in Python: load it, but not the search text.
            .defer(None)
            .defer("search_text", "search_vector")
            .order_by("-search_rank", "-published_at", "-pk")
        )

    @staticmethod
    def _occurrences(source, term: str):
        """How many times `` term `` appears in ``source`` (a string of space-separated words)."""
        needle = f" {term} "
        removed = Length(source) - Length(Replace(source, Value(needle), Value(" ")))
        return removed / (len(needle) - 1)

    def add_excerpts(self, articles, query: str) -> None:
        wanted = set(query_terms(query))
        for article in articles:
            article.search_excerpt = highlight(body_text(article.body), wanted, words=EXCERPT_WORDS)


def get_backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SimpleBackend()


class SearchResults:
    """The matching articles' ids, read in one query; slicing ranks them, one query per page.

    The paginator counts them without another query (``count()``), then asks for a slice.
    """

    def __init__(self, pks: list[int], ranked: QuerySet):
        self.pks = pks
        self.ranked = ranked

    def count(self) -> int:
        return len(self.pks)

    def __len__(self) -> int:
        return len(self.pks)

    def __getitem__(self, index):
        return list(self.ranked[index]) if self.pks else []

    def __iter__(self):
        return iter(self[:])


def search_articles(query: str, section: Section | None = None, territory: Territory | None = None) -> SearchResults:
    """Published articles matching the query (already cleaned, see ``search.text.clean_query``), best first.

    At most ``MAX_CANDIDATES``: the most recent matches, ranked.
    """
    backend = get_backend()
    articles = Article.objects.published()
    if section is not None:
        articles = articles.in_section(section)
    if territory is not None:
        articles = articles.about_territory(territory)
    matching = backend.match(articles, query).order_by("-published_at", "-pk")
    pks = list(matching.values_list("pk", flat=True)[:MAX_CANDIDATES])
    return SearchResults(pks, backend.rank(Article.objects.filter(pk__in=pks).for_listing(), query))


def add_excerpts(articles, query: str) -> None:
    """Give each article (a page of ``search_articles``) its highlighted ``search_excerpt``."""
    get_backend().add_excerpts(articles, query)
