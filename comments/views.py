"""Posting a comment, and what the article page needs to show its thread."""

import ipaddress
import json
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles.models import Article
from newsroom.inputs import plain_number
from pagecache.origin import cross_site

from .forms import CommentForm
from .models import Comment, refresh_comment_count
from .moderation import TokenProblem, check_form_token, comments_open, initial_verdict, make_form_token, rate_limited
from .notifications import notify_moderators
from .thread import PAGE_PARAMETER, THREAD_FIELDS, build_tree, paginate

# Cookies set only in the commenter's own browser, signed so they cannot be forged.
HELD_COOKIE = "commentaires_en_attente"
AUTHOR_COOKIE = "commentaire_auteur"
COOKIE_SALT = "comments.cookies"
HELD_COOKIE_MAX_AGE = 30 * 24 * 60 * 60
AUTHOR_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
MAX_HELD_IDS = 20
DUPLICATE_WINDOW = timedelta(minutes=10)


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


def held_comment_ids(request) -> list[int]:
    raw = request.get_signed_cookie(HELD_COOKIE, default="", salt=COOKIE_SALT)
    ids = (plain_number(part) for part in raw.split(","))
    return [pk for pk in ids if pk is not None][-MAX_HELD_IDS:]


def forget_held_comments(response) -> None:
    """Drop the held-comments cookie once all it named are moderated, so the reader gets cached pages again."""
    response.delete_cookie(HELD_COOKIE, samesite="Lax")


def remembered_author(request) -> dict:
    """The details this browser asked us to remember, or nothing."""
    raw = request.get_signed_cookie(AUTHOR_COOKIE, default="", salt=COOKIE_SALT)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        return {}
    details = {key: str(data.get(key) or "") for key in ("name", "email", "url")}
    return details if any(details.values()) else {}


def thread_context(request, article: Article, form: CommentForm | None = None) -> dict:
    """The article's comment thread and form, built from one query.

    ``is_personal`` tells the view that the page holds this browser's own held
    comments or remembered details, so it must never be served from a shared cache.
    """
    held_ids = held_comment_ids(request)
    # The whole thread in one query, whatever its length; only one page of it is shown.
    comments = list(Comment.objects.for_thread(article, held_ids).only(*THREAD_FIELDS)) if article.pk else []
    by_id = {comment.pk: comment for comment in comments}
    page = paginate(
        build_tree(comments), plain_number(request.GET.get(PAGE_PARAMETER)), article_url=article.get_absolute_url()
    )
    still_held = any(comment.is_held for comment in comments)
    is_open = comments_open(article)
    author = remembered_author(request)
    reply_to = None
    if is_open and form is None:
        requested = by_id.get(plain_number(request.GET.get("repondre")))
        can_reply = requested and requested.status == Comment.Status.APPROVED and not requested.erased_at
        if can_reply and requested.depth < settings.COMMENTS_MAX_DEPTH:
            reply_to = requested
        form = CommentForm(
            article=article,
            initial={**author, "remember": bool(author), "parent": reply_to.pk if reply_to else None},
        )
    elif form is not None and form.is_bound and "parent" not in form.errors:
        reply_to = by_id.get(plain_number(form.data.get("parent")))
    if form is not None:
        form.fields["token"].initial = make_form_token(article)
        if form.is_bound:
            # A fresh token with the typed text kept: the next attempt is judged afresh.
            form.data = form.data.copy()
            form.data["token"] = form.fields["token"].initial
            if "parent" in form.errors:
                form.data["parent"] = ""  # the next attempt becomes a new comment, not a failing reply
    return {
        "comment_page": page,
        "comments_open": is_open,
        "comment_form": form,
        "reply_to": reply_to,
        "comments_max_depth": settings.COMMENTS_MAX_DEPTH,
        "comments_personal": bool(still_held or author),
        # Every comment it names, on any article, has been moderated: the cookie would only keep
        # this browser off the cache. (One more query, for these few readers only.)
        "held_cookie_spent": bool(held_ids)
        and not still_held
        and not Comment.objects.filter(pk__in=held_ids, status__in=Comment.HELD_STATUSES).exists(),
    }


def _render_article(request, article, form, status, message=""):
    # Imported here: the article page composes the comments, not the other way round.
    from articles.views import ArticleView

    view = ArticleView()
    view.setup(request, slug=article.slug)
    view.object = article
    context = view.get_context_data(object=article, comment_form=form, comment_message=message)
    response = TemplateResponse(request, view.template_name, context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


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
        return _render_article(
            request,
            article,
            form,
            403,
            _("Ce formulaire doit être envoyé depuis notre site. Votre texte est ci-dessous."),
        )
    if not comments_open(article):
        return _render_article(request, article, form, 403, _("Les commentaires sont fermés pour cet article."))
    if form.is_bot:
        return _neutral_redirect(article)
    try:
        check_form_token(request.POST.get("token", ""), article)
    except TokenProblem as problem:
        if problem.args[0] != "expired":
            return _neutral_redirect(article)
        form.is_valid()
        form.add_error(None, _("Le formulaire a expiré. Vérifiez votre commentaire, puis envoyez-le à nouveau."))
        return _render_article(request, article, form, 400)
    if not form.is_valid():
        return _render_article(request, article, form, 400)

    ip_address = client_ip(request)
    if rate_limited(ip_address):
        form.add_error(
            None, _("Vous avez envoyé beaucoup de commentaires en peu de temps. Merci de patienter quelques minutes.")
        )
        return _render_article(request, article, form, 429)

    comment = form.build_comment(ip_address)
    # A double click from this very browser: only its own held comments can match.
    duplicate = Comment.objects.filter(
        pk__in=held_comment_ids(request),
        article=article,
        author_email__iexact=comment.author_email,
        body=comment.body,
        created_at__gte=timezone.now() - DUPLICATE_WINDOW,
    ).first()
    if duplicate is not None:
        comment = duplicate  # a double click: answer as for the first post, store nothing
    else:
        verdict = initial_verdict(comment)
        comment.status, comment.held_reason = verdict.status, verdict.reason
        comment.save()
        if comment.status == Comment.Status.APPROVED:
            refresh_comment_count(article.pk)
        elif comment.status == Comment.Status.PENDING:
            notify_moderators(comment, request.build_absolute_uri)

    response = _neutral_redirect(article, comment)
    if comment.status != Comment.Status.APPROVED:
        held = [*held_comment_ids(request), comment.pk][-MAX_HELD_IDS:]
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
