"""Posting a comment: the policy decides (``comments.moderation``), this view answers."""

import ipaddress
import json

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles.models import Article
from articles.views import ArticleView
from pagecache.origin import cross_site

from .forms import CommentForm
from .models import Comment
from .moderation import CommentPolicy, Outcome
from .notifications import notify_moderators
from .page_part import AUTHOR_COOKIE, COOKIE_SALT, HELD_COOKIE, MAX_HELD_IDS, held_comment_ids

# Cookies set only in the commenter's own browser, signed so they cannot be forged.
HELD_COOKIE_MAX_AGE = 30 * 24 * 60 * 60
AUTHOR_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def client_ip(request) -> str | None:
    address = request.META.get("REMOTE_ADDR", "")
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


class RefusedCommentView(ArticleView):
    """The article page again, answering a comment that was not taken: the reader's text kept,
    what went wrong said, the status code telling why. It holds that text: never cached."""

    http_method_names = ["post"]
    article = None  # found already by post_comment: not looked up twice
    status = 400

    def get_object(self, queryset=None):
        return self.article

    def post(self, request, *args, **kwargs):
        response = self.get(request, *args, **kwargs)
        response.status_code = self.status
        return response


def _page_again(request, form, status, message="") -> HttpResponse:
    view = RefusedCommentView.as_view(
        article=form.article, status=status, part_kwargs={"comments": {"form": form, "message": message}}
    )
    return view(request, slug=form.article.slug)


def _neutral_redirect(article, comment=None) -> HttpResponseRedirect:
    """The same answer whatever happened to the comment, so that a bot learns nothing."""
    # A comment's address leads to the page of the thread where it shows.
    return HttpResponseRedirect(comment.get_absolute_url() if comment else f"{article.get_absolute_url()}#commentaires")


# No CSRF cookie: the form sits on pages kept in a shared cache. Cross-site posts are refused
# by their Origin / Sec-Fetch-Site headers instead, and the signed form token does the rest.
@csrf_exempt
@require_POST
def post_comment(request, article_id: int):
    article = get_object_or_404(Article.objects.published().for_reading(), pk=article_id)
    form = CommentForm(request.POST, article=article)
    if cross_site(request):
        form.is_valid()
        message = _("Ce formulaire doit être envoyé depuis notre site. Votre texte est ci-dessous.")
        return _page_again(request, form, 403, message)

    held_ids = held_comment_ids(request)
    decision = CommentPolicy().review(form, ip_address=client_ip(request), held_ids=held_ids)
    match decision.outcome:
        case Outcome.CLOSED:
            return _page_again(request, form, 403, _("Les commentaires sont fermés pour cet article."))
        case Outcome.BOT:
            return _neutral_redirect(article)
        case Outcome.EXPIRED:
            form.is_valid()
            form.add_error(None, _("Le formulaire a expiré. Vérifiez votre commentaire, puis envoyez-le à nouveau."))
            return _page_again(request, form, 400)
        case Outcome.INVALID:
            return _page_again(request, form, 400)
        case Outcome.RATE_LIMITED:
            message = _(
                "Vous avez envoyé beaucoup de commentaires en peu de temps. Merci de patienter quelques minutes."
            )
            form.add_error(None, message)
            return _page_again(request, form, 429)
        case Outcome.ACCEPTED:
            decision.comment.save()
            if decision.notify_moderators:
                notify_moderators(decision.comment, request.build_absolute_uri)
        case Outcome.DUPLICATE:
            pass  # a double click: answer as for the first post, store nothing

    comment = decision.comment
    response = _neutral_redirect(article, comment)
    if comment.status != Comment.Status.APPROVED:
        held = [*held_ids, comment.pk][-MAX_HELD_IDS:]
        response.set_signed_cookie(
            HELD_COOKIE,
            ",".join(str(pk) for pk in dict.fromkeys(held)),
            salt=COOKIE_SALT,
            max_age=HELD_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    if form.cleaned_data["remember"]:
        data = form.cleaned_data
        details = {"name": data["name"], "email": data["email"], "url": data["url"]}
        response.set_signed_cookie(
            AUTHOR_COOKIE,
            json.dumps(details),
            salt=COOKIE_SALT,
            max_age=AUTHOR_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")
    return response
