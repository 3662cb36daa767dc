"""Parts of the article page that apps above ``articles`` add to it: the comment thread, today.

``articles`` never imports those apps (see the layers in pyproject.toml). Each one registers
its part from its ``AppConfig.ready()``; the article page (``ArticlePageMixin``) asks every
registered part for its template variables, for the moment the page changes by itself, and
to finish the response, then includes each part's template below the article.
"""

from datetime import datetime


class ArticlePagePart:
    """One part of the article page: subclass it, then ``register()`` an instance."""

    # Keys the arguments a view passes this part (``ArticlePageMixin.part_kwargs``).
    name = ""
    # Included below the article, with the page's context.
    template_name = ""
    # Included in the page's <head> (a feed's link, structured data), with the page's context.
    head_template_name = ""
    # Reverse one-to-one relations of the article this part reads (its own app declares them, e.g. the
    # live's « live »): loaded with the article in the page's own query (``Article.objects.for_reading``)
    # rather than by a query of the part's on every article page.
    loaded_with_article: tuple[str, ...] = ()

    def get_context(self, request, article, **part_kwargs) -> dict:
        """Template variables for the page: one query or a few, whatever the part shows."""
        return {}

    def cache_until(self, article) -> datetime | float | None:
        """When the page, as this part shows it, changes by itself (see ``pagecache.cache_until``); None: never."""
        return None

    def finish_response(self, request, response, context) -> None:
        """Adjust the page's response: cache headers and cookies that depend on what this part showed."""


_parts: dict[str, ArticlePagePart] = {}


def register(part: ArticlePagePart) -> None:
    # By name: registering a part again (a second ready()) replaces it rather than showing it twice.
    _parts[part.name] = part


def registered() -> tuple[ArticlePagePart, ...]:
    return tuple(_parts.values())


def loaded_with_article() -> tuple[str, ...]:
    """What the registered parts read of the article through a one-to-one relation (``select_related``)."""
    return tuple(name for part in _parts.values() for name in part.loaded_with_article)
