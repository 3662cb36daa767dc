"""Posting a comment: the policy decides (``comments.moderation``), this view answers."""

import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from articles.models import Article
from articles.views import ArticleView
from common.ratelimit import client_ip, over_limit, sender
from pagecache.origin import cross_site

from .forms import CommentForm, ReportForm
from .models import Comment, CommentReport, reporter_key
from .moderation import CommentPolicy, Outcome, make_form_token
from .notifications import notify_moderators, notify_moderators_of_hidden_comment
from .page_part import AUTHOR_COOKIE, COOKIE_SALT, HELD_COOKIE, MAX_HELD_IDS, held_comment_ids

# Cookies set only in the commenter's own browser, signed so they cannot be forged.
HELD_COOKIE_MAX_AGE = 30 * 24 * 60 * 60
AUTHOR_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


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


def _store(decision) -> Comment:
    """Save an accepted comment with its moderators' mail, or find the same form's comment saved
    by a send that arrived a moment before (two clicks racing: the database's unique key decides)."""
    comment = decision.comment
    try:
        with transaction.atomic():
            comment.save()
            if decision.notify_moderators:
                notify_moderators(comment)
    except IntegrityError:
        earlier = Comment.objects.filter(submission_key=comment.submission_key).first()
        if earlier is None:
            raise
        return earlier
    return comment


# No CSRF cookie: the form sits on pages kept in a shared cache. Cross-site posts are refused
# by their Origin / Sec-Fetch-Site headers instead, and the signed form token does the rest.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def post_comment(request, article_id: int):
    article = get_object_or_404(Article.objects.published().for_reading(), pk=article_id)
    if request.method == "GET":
        # The form's address, reloaded or bookmarked after a refused comment: the article and its form.
        return redirect(f"{article.get_absolute_url()}#laisser-un-commentaire")
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
        case Outcome.TOO_FAST:
            form.is_valid()
            message = _(
                "Votre commentaire est parti très vite après l’ouverture de la page : nous n’avons rien "
                "enregistré. Vérifiez-le, puis envoyez-le à nouveau."
            )
            form.add_error(None, message)
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
            decision.comment = _store(decision)
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


# Readers' reports -------------------------------------------------------------------------------

REPORT_TEMPLATE = "comments/report.html"
REPORT_FORM_TEMPLATE = "comments/includes/report_form.html"


def _reportable_comment(comment_id: int) -> Comment:
    """A comment every reader sees, under a published article; anything else is not found."""
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=comment_id)
    if not comment.is_reportable or not comment.article.is_visible:
        raise Http404
    return comment


def _report_ids(comment) -> str:
    # Several forms may open on one article page (report.js): each with its own ids.
    return f"signalement-{comment.pk}-%s"


def _wants_json(request) -> bool:
    # The page's script asks for JSON (report.js); a browser without it asks for a page.
    accepted = request.headers.get("Accept", "")
    return "application/json" in accepted and "text/html" not in accepted


def _report_answer(request, comment, form=None, *, message="", status=200, done=False) -> HttpResponse:
    """The same answer as a page (no JavaScript) or as JSON for the inline form (``report.js``).

    ``done``: nothing more to send (reported, or already reported); otherwise the form again,
    with what the reader typed, a fresh token and the errors next to their fields.
    """
    if form is not None and not done:
        # A fresh token, with the typed text kept: the next attempt is judged afresh.
        token = make_form_token(comment.article)
        if form.is_bound:
            form.data = form.data.copy()
            form.data["token"] = token
        else:
            form.initial["token"] = token
    context = {"comment": comment, "article": comment.article, "report_form": None if done else form}
    context["report_message"] = message
    if _wants_json(request):
        data = {"done": done, "message": message}
        if not done:
            data["form"] = render_to_string(REPORT_FORM_TEMPLATE, context, request)
        return JsonResponse(data, status=status)
    return render(request, REPORT_TEMPLATE, context, status=status)


# No CSRF cookie, as for the comment form: the « Signaler » link sits on pages kept in a shared
# cache. Cross-site posts are refused by their Origin / Sec-Fetch-Site headers, and the form
# carries the comment form's signed token (``make_form_token``): it must have come from us.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def report_comment(request, comment_id: int):
    """« Signaler » a published comment: a reason, some words if needed; no account, once per reader."""
    comment = _reportable_comment(comment_id)
    address = client_ip(request)
    key = reporter_key(address)
    already = _("Vous avez déjà signalé ce commentaire. Merci, la modération en est informée.")
    if request.method == "GET":
        if CommentReport.objects.filter(comment=comment, reporter_key=key).exists():
            return _report_answer(request, comment, message=already, done=True)
        return _report_answer(request, comment, ReportForm(auto_id=_report_ids(comment)))

    form = ReportForm(request.POST, auto_id=_report_ids(comment))
    if cross_site(request):
        form.is_valid()
        message = _("Ce formulaire doit être envoyé depuis notre site. Votre texte est ci-dessous.")
        return _report_answer(request, comment, form, message=message, status=403)
    # Too quick is fine here: choosing a reason takes a second; the limits below stop a flood.
    if CommentPolicy().token_problem(form.token_sent, comment.article) in {"invalid", "expired"}:
        form.is_valid()
        message = _("Le formulaire a expiré. Vérifiez votre signalement, puis envoyez-le à nouveau.")
        return _report_answer(request, comment, form, message=message, status=400)
    if not form.is_valid():
        return _report_answer(request, comment, form, message=_("Vérifiez le formulaire ci-dessous."), status=400)
    limit = settings.COMMENTS_REPORT_RATE_LIMIT
    if (
        address
        and limit
        and over_limit(f"comments:report-rate:{sender(address)}", limit, settings.COMMENTS_REPORT_RATE_WINDOW_SECONDS)
    ):
        message = _(
            "Vous avez envoyé beaucoup de signalements en peu de temps. Merci de patienter avant d’en envoyer d’autres."
        )
        return _report_answer(request, comment, form, message=message, status=429)
    with transaction.atomic():  # the report and the moderators' mail it may cause, together
        report = comment.report(form.cleaned_data["reason"], form.cleaned_data["details"].strip(), reporter_key=key)
        if report is not None and comment.hidden_by_reports:  # this report was the one too many
            notify_moderators_of_hidden_comment(comment)
    if report is None:
        return _report_answer(request, comment, message=already, done=True)
    message = _("Merci, votre signalement a été transmis à la modération.")
    return _report_answer(request, comment, message=message, done=True)
