"""The article form's unsaved text, kept on the server for the person typing it (``ArticleDraft``).

static/articles/editor/autosave.js keeps what is typed in the browser at once, and sends it
here every few seconds (``drafts/<article id or "new">/``: GET to read it, POST to keep it,
DELETE once saved or ignored). Every query is filtered by the person asking: nobody else's
text is ever read, written or deleted, whatever the address says.
"""

import json

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import Article, ArticleDraft

# Far above any article (a long one is 100 kB of HTML), far below what would tie up the server.
MAX_DRAFT_BYTES = 1_000_000
FIELDS = ("title", "standfirst", "body")


def _as_json(draft: ArticleDraft | None) -> dict | None:
    if draft is None:
        return None
    return {
        **{name: getattr(draft, name) for name in FIELDS},
        "base": ["" if draft.base_revision is None else str(draft.base_revision), draft.base_state],
        "savedAt": int(draft.updated_at.timestamp() * 1000),
    }


def _too_big() -> JsonResponse:
    message = _(
        "Ce texte est trop long pour être gardé sur le serveur pendant que vous écrivez ; il reste gardé dans "
        "ce navigateur. Enregistrez l’article pour ne rien perdre."
    )
    return JsonResponse({"error": message}, status=413)


def _without_drafts(listed: list) -> list:
    """The admin's nested list of what a deletion takes, without the drafts (``get_deleted_objects``)."""
    label = f"{capfirst(ArticleDraft._meta.verbose_name)}: "
    kept = []
    for item in listed:
        if isinstance(item, list):
            kept.append(_without_drafts(item))
        elif not str(item).startswith(label):
            kept.append(item)
    return [item for item in kept if item != []]


class ServerDraftsMixin:
    """For ArticleAdmin: the endpoint the form's autosave talks to."""

    def get_urls(self):
        drafts = path("drafts/<str:key>/", self.admin_site.admin_view(self.draft_view), name="articles_article_draft")
        return [drafts, *super().get_urls()]

    def _draft_article(self, request, key: str) -> Article | None:
        """The article a draft key names (None for the add form's), if the person may write it."""
        if key == "new":
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        if not key.isdigit():
            raise Http404
        article = get_object_or_404(Article.objects.only("pk"), pk=int(key))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def draft_view(self, request, key: str):
        article = self._draft_article(request, key)
        # Always the person's own row: the address only says which article.
        mine = ArticleDraft.objects.filter(user=request.user, article=article)
        if request.method == "GET":
            # admin_view marks the answer never to be cached.
            return JsonResponse({"draft": _as_json(mine.first())})
        if request.method == "DELETE":
            mine.delete()
            return HttpResponse(status=204)
        if request.method != "POST":
            return JsonResponse({"error": _("Requête invalide.")}, status=405)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > MAX_DRAFT_BYTES:
            return _too_big()
        try:
            sent = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"error": _("Requête invalide.")}, status=400)
        if not isinstance(sent, dict):
            return JsonResponse({"error": _("Requête invalide.")}, status=400)
        values = {name: sent.get(name) if isinstance(sent.get(name), str) else "" for name in FIELDS}
        base = sent.get("base") if isinstance(sent.get("base"), list) else []
        revision = str(base[0]) if base else ""
        values["base_revision"] = int(revision) if revision.isdigit() and len(revision) < 10 else None
        values["base_state"] = str(base[1]) if len(base) > 1 and isinstance(base[1], str) else ""
        draft, _created = ArticleDraft.objects.update_or_create(user=request.user, article=article, defaults=values)
        return JsonResponse({"draft": _as_json(draft)})

    def get_deleted_objects(self, objs, request):
        """What deleting articles takes with it, as the confirmation page lists it: not whose unsaved
        texts go too (they go, with the article, but are nobody else's business)."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        model_count.pop(ArticleDraft._meta.verbose_name_plural, None)
        return _without_drafts(deleted), model_count, perms_needed, protected

    def drop_draft(self, request, article: Article, *, added: bool) -> None:
        """After a successful save: the person's kept text of it (or of the add form) has served."""
        ArticleDraft.objects.filter(user=request.user, article=article).delete()
        if added:
            ArticleDraft.objects.filter(user=request.user, article=None).delete()
