"""Places and people the text names, suggested while the journalist types (not only after a save).

The article form posts what is being written to ``suggestions/`` a moment after each
pause; the answer lists the known territories and personalities named there that the
article is not yet tagged with, and static/articles/admin/suggestions.js offers them as
buttons beside the two fields. Without JavaScript, the « Suggestions » fieldset still
offers them after a save.
"""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from common.inputs import plain_number

from .suggestions import mentions_in

# Longer than any article: beyond it, a post is not an article being written.
MAX_TEXT_LENGTH = 500_000


def _ids(values) -> set[int]:
    return {number for number in map(plain_number, values) if number is not None}


class LiveSuggestionsMixin:
    """For ArticleAdmin: the endpoint the article form asks for suggestions."""

    def get_urls(self):
        suggestions = path(
            "suggestions/", self.admin_site.admin_view(self.suggestions_view), name="articles_article_suggestions"
        )
        return [suggestions, *super().get_urls()]

    def suggestions_view(self, request):
        return require_POST(self._suggestions_answer)(request)

    def _suggestions_answer(self, request):
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        text = "\n".join(request.POST.get(name, "") for name in ("title", "standfirst", "text"))[:MAX_TEXT_LENGTH]
        territories, personalities = mentions_in(
            text, _ids(request.POST.getlist("territories")), _ids(request.POST.getlist("personalities"))
        )
        # admin_view already marks the answer never to be cached: it is one person's draft.
        return JsonResponse(
            {
                "territories": [{"id": place.pk, "name": place.name} for place in territories],
                "personalities": [{"id": person.pk, "name": person.name} for person in personalities],
            }
        )
