from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchAppConfig(AppConfig):
    """Reader search over published articles: PostgreSQL full text, or a simpler fallback on SQLite."""

    name = "search"
    verbose_name = _("Recherche")

    def ready(self):
        # Its receivers keep the search data current: articles never calls search.
        from articles import body_search

        from . import signals
        from .backends import get_backend

        signals.connect()
        # The desk's article list finds words of the body through the index, as readers do.
        body_search.register(lambda articles, words: get_backend().match(articles, words))
