"""How the admin's article list finds words of the body: an app above ``articles`` may lend its index.

``articles`` never imports ``search`` (see the layers in pyproject.toml). Without an index the
list looks for the words with LIKE over every body, a second at 100,000 articles; the search
app registers its backend's match from its ``AppConfig.ready()``, so that the desk finds words
as readers do (accents and plurals folded).
"""

from collections.abc import Callable

from django.db.models import QuerySet

# (articles, words) -> those of the articles whose body holds the words.
Matcher = Callable[[QuerySet, str], QuerySet]

_matcher: Matcher | None = None


def register(matcher: Matcher) -> None:
    """Find the body's words with ``matcher`` from now on: one index at a time, the last registered."""
    global _matcher
    _matcher = matcher


def matching(articles: QuerySet, words: str) -> QuerySet:
    """Those of ``articles`` whose body holds ``words``: through the registered index, else with LIKE."""
    if _matcher is None:
        return articles.filter(body__icontains=words)
    return _matcher(articles, words)
