"""The editor's embed dialog asks the server what a pasted address is (articles.embeds.recognise), so
that the providers are declared once, in Python, and the editor never judges an address itself."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from .embeds import PROVIDERS, problem_with, recognise


class EmbedRecognitionMixin:
    """For ArticleAdmin: ``embeds/recognise/?address=…`` answers the provider and the id to store (and
    the link readers will follow), or the French message to show next to the dialog's field (status
    400); ``?provider=…&id=…`` answers the same of an embed already stored, to edit it."""

    def get_urls(self):
        recognition = path(
            "embeds/recognise/",
            self.admin_site.admin_view(require_GET(self.embed_recognition_view)),
            name="articles_article_embed",
        )
        return [recognition, *super().get_urls()]

    def embed_recognition_view(self, request):
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        if "provider" in request.GET:
            # An embed already in the text, to edit: its address on the provider's site.
            key, embed_id = request.GET.get("provider", ""), request.GET.get("id", "")
            if problem := problem_with(key, embed_id):
                return JsonResponse({"error": problem}, status=400)
            provider = PROVIDERS[key]
        else:
            try:
                provider, embed_id = recognise(request.GET.get("address", ""))
            except ValidationError as error:
                return JsonResponse({"error": error.messages[0]}, status=400)
        # admin_view already marks the answer never to be cached.
        return JsonResponse(
            {"provider": provider.key, "name": provider.name, "id": embed_id, "link": provider.link_for(embed_id)}
        )
