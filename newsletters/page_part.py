"""The subscription form at the end of every article, plugged into ``articles.page_parts`` by ``NewslettersConfig.ready()``.

It costs the page no query once the open lists are cached (``caching.open_lists``), and tags the
page so that a list opened, closed or renamed renders it again. On an article page it takes the
footer's place (``newsletter_in_page``): one form a page, where a reader who finished reading is.
"""

from articles.page_parts import ArticlePagePart

from .caching import morning_list, tagged_open_lists
from .subscribing import consent_text


def compact_form_context(prefix: str) -> dict:
    """What ``newsletters/_compact_form.html`` shows: the morning list (or nothing), its ids' ``prefix``."""
    offered = morning_list(tagged_open_lists())
    return {
        "newsletter_offer": offered,
        "newsletter_prefix": prefix,
        "newsletter_consent": consent_text(offered.name) if offered else "",
    }


class SubscribePart(ArticlePagePart):
    name = "newsletters"
    template_name = "newsletters/article_part.html"

    def get_context(self, request, article, **part_kwargs) -> dict:
        return {**compact_form_context("nl-article"), "newsletter_in_page": True}
