"""The moderators' pages in the admin: the desk and the changelist's one-click buttons.

The desk is a queue of comments tab by tab, with one-click decisions and « Annuler »; its reads
live in ``comments.desk``, and these views only arrange them. ``CommentAdmin.get_urls`` wires
each view under the comments' admin, handing it that admin (``model_admin``) for the site's
context, the messages and the moderators' permission.
"""

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import Section
from common.inputs import plain_number

from . import blocklist, desk
from .models import Comment

# The changelist's one-click buttons: address slug → the status it gives, and its label.
MODERATION_ACTIONS = {
    "approuver": (Comment.Status.APPROVED, _("Approuver")),
    "rejeter": (Comment.Status.REJECTED, _("Rejeter")),
    "indesirable": (Comment.Status.SPAM, _("Indésirable")),
}

# The desk's decisions: what the button sends → the status it gives and the message (count) it leaves.
# « Choix de la rédaction »: approved comments only (Comment.set_featured checks it too).
FEATURE_DECISIONS = {
    "feature": (True, _("Marqué « Choix de la rédaction » : il est montré en premier sous l’article.")),
    "unfeature": (False, _("Retiré du choix de la rédaction.")),
}

DESK_DECISIONS = {
    "approve": (
        Comment.Status.APPROVED,
        lambda n: ngettext("%(count)d commentaire approuvé.", "%(count)d commentaires approuvés.", n),
    ),
    "reject": (
        Comment.Status.REJECTED,
        lambda n: ngettext("%(count)d commentaire rejeté.", "%(count)d commentaires rejetés.", n),
    ),
    "spam": (
        Comment.Status.SPAM,
        lambda n: ngettext("%(count)d commentaire indésirable.", "%(count)d commentaires indésirables.", n),
    ),
}
# Where the desk keeps the last decision (comment ids), which « Annuler » takes back.
LAST_DECISION = "comments_desk_last_decision"
DESK_CARDS_PER_PAGE = 20


# The changelist's buttons ----------------------------------------------------------------


def moderate(request, model_admin: ModelAdmin, object_id: int, action: str):
    """One comment approved, rejected or marked as spam from the changelist, then back to the list."""
    if not model_admin.has_moderate_permission(request) or action not in MODERATION_ACTIONS:
        raise PermissionDenied
    comment = get_object_or_404(Comment, pk=object_id)
    status, _label = MODERATION_ACTIONS[action]
    comment.moderate(status, by=request.user)
    model_admin.message_user(
        request,
        _("Commentaire de %(name)s : %(status)s.")
        % {"name": comment.author_name, "status": comment.get_status_display().lower()},
        messages.SUCCESS,
    )
    return _back(request)


def _back(request):
    referer = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(referer)
    return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))


# The moderation desk ---------------------------------------------------------------------


def desk_page(request, model_admin: ModelAdmin):
    """« Bureau de modération »: one card per comment, tab by tab, with one-click decisions."""
    if not model_admin.has_moderate_permission(request):
        raise PermissionDenied
    tab = desk.TABS_BY_SLUG.get(request.GET.get("onglet"), desk.TABS[0])
    counts = desk.tab_counts()
    comments = tab.comments()
    article_id, section_id = _int(request.GET.get("article")), _int(request.GET.get("rubrique"))
    if article_id:
        comments = comments.filter(article_id=article_id)
    if section_id:
        comments = comments.filter(article__section_id=section_id)
    page = Paginator(desk.for_cards(comments), DESK_CARDS_PER_PAGE).get_page(request.GET.get("page"))
    cards = list(page)
    blocked = blocklist.matcher()
    emails = [card.author_email for card in cards]
    history, recent = desk.histories(emails), desk.recent_comments(emails)
    changelist = reverse("admin:comments_comment_changelist")
    for card in cards:
        card.highlighted = desk.highlighted(card.body, blocked)
        card.since = desk.since(card.created_at)
        email = card.author_email.strip().lower()
        card.history = history.get(email, "")
        # The commenter's drawer: their latest comments, and all of them in the list (searched by address).
        card.recent = recent.get(email, [])
        card.all_comments_url = f"{changelist}?{urlencode({'q': card.author_email, 'statut': 'tous'})}"
    filters = {key: value for key, value in (("article", article_id), ("rubrique", section_id)) if value}
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Bureau de modération"),
        "can_add_rules": request.user.has_perm("comments.add_commenterrule"),
        "tab": tab,
        "tabs": [(t, counts.get(t.slug), urlencode({"onglet": t.slug, **filters})) for t in desk.TABS],
        "page": page,
        "cards": cards,
        "filters": filters,
        "tab_query": urlencode({"onglet": tab.slug, **filters}),
        "current": request.get_full_path(),
        # The filters' choices: the articles with comments in this tab, and every section.
        "articles": desk.articles_with(tab.comments()),
        "sections": Section.objects.only("pk", "name"),
        "article_id": article_id,
        "section_id": section_id,
        "figures": desk.figures(counts["en-attente"]),
        "last_decision": request.session.get(LAST_DECISION),
    }
    return TemplateResponse(request, "admin/comments/comment/desk.html", context)


def desk_decide(request, model_admin: ModelAdmin):
    """A decision from the desk: on the given comments, or on all the waiting ones of an author or article."""
    if not model_admin.has_moderate_permission(request):
        raise PermissionDenied
    decision = request.POST.get("decision", "")
    ids = [pk for pk in map(_int, request.POST.getlist("comment")) if pk]
    comments = Comment.objects.filter(pk__in=ids, erased_at__isnull=True)
    if not ids or decision not in {
        *DESK_DECISIONS,
        *FEATURE_DECISIONS,
        "dismiss",
        "approve_author",
        "approve_article",
    }:
        message = _("Choisissez au moins un commentaire et une décision.")
        return _desk_answer(request, model_admin, message, messages.WARNING)
    if decision == "dismiss":
        dismissed = list(comments)
        for comment in dismissed:
            comment.dismiss_reports(by=request.user)
        request.session.pop(LAST_DECISION, None)  # its reports are closed: nothing to take back
        message = ngettext(
            "Signalements classés : le commentaire reste publié.",
            "Signalements classés : les %(count)d commentaires restent publiés.",
            len(dismissed),
        ) % {"count": len(dismissed)}
        return _desk_answer(request, model_admin, message)
    if decision in FEATURE_DECISIONS:
        featured, message = FEATURE_DECISIONS[decision]
        changed = [comment for comment in comments.approved() if comment.is_featured != featured]
        for comment in changed:
            comment.set_featured(featured, by=request.user)
        return _desk_answer(request, model_admin, message if changed else _("Rien à changer : il l’était déjà."))
    if decision in ("approve_author", "approve_article"):
        first = comments.select_related("article").first()
        if first is None:
            return _desk_answer(request, model_admin, _("Ce commentaire n’existe plus."), messages.ERROR)
        if decision == "approve_author":
            comments = Comment.objects.pending().by_email(first.author_email)
        else:
            comments = Comment.objects.pending().filter(article_id=first.article_id)
        if request.POST.get("confirme") != "oui" and comments.exists():
            # Many comments at once, some unread: a page says which before anything is done.
            return _confirm_many(request, model_admin, decision, first, comments)
        decision = "approve"
    status, describe = DESK_DECISIONS[decision]
    changed = list(comments.exclude(status=status).values_list("pk", flat=True))
    if not changed:
        # Already decided, by a colleague or in another tab: the card has nothing left to do here.
        return _desk_answer(request, model_admin, describe(0) % {"count": 0})
    Comment.objects.filter(pk__in=changed).set_status(status, by=request.user)
    message = describe(len(changed)) % {"count": len(changed)}
    request.session[LAST_DECISION] = {"ids": changed, "message": message}
    return _desk_answer(request, model_admin, message, undoable=True)


# What the confirmation page shows of the comments « Tout approuver » would publish.
CONFIRM_SHOWN = 10


def _confirm_many(request, model_admin: ModelAdmin, decision: str, first: Comment, comments):
    """« Tout approuver pour cet auteur / cet article » asks first: how many, which, then a button."""
    waiting = list(comments.select_related("article").order_by("-created_at")[: CONFIRM_SHOWN + 1])
    count = comments.count()
    if decision == "approve_author":
        question = ngettext(
            "Approuver le commentaire en attente de %(name)s ?",
            "Approuver les %(count)d commentaires en attente de %(name)s ?",
            count,
        ) % {"count": count, "name": first.author_name}
    else:
        question = ngettext(
            "Approuver le commentaire en attente sur « %(title)s » ?",
            "Approuver les %(count)d commentaires en attente sur « %(title)s » ?",
            count,
        ) % {"count": count, "title": first.article.title}
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Tout approuver ?"),
        "question": question,
        "count": count,
        "waiting": waiting[:CONFIRM_SHOWN],
        "more": max(count - CONFIRM_SHOWN, 0),
        "decision": decision,
        "comment": first,
        "back": _desk_back(request).url,
    }
    return TemplateResponse(request, "admin/comments/comment/confirm_many.html", context)


def desk_undo(request, model_admin: ModelAdmin):
    """« Annuler »: the comments of the last decision get their previous status back."""
    if not model_admin.has_moderate_permission(request):
        raise PermissionDenied
    last = request.session.pop(LAST_DECISION, None)
    if not last:
        return _desk_answer(request, model_admin, _("Aucune décision à annuler."), messages.WARNING)
    count = desk.undo(last["ids"], by=request.user)
    message = ngettext(
        "Décision annulée pour %(count)d commentaire.", "Décision annulée pour %(count)d commentaires.", count
    ) % {"count": count}
    return _desk_answer(request, model_admin, message)


def _desk_answer(request, model_admin: ModelAdmin, message, level=messages.SUCCESS, *, undoable=False):
    if request.headers.get("Accept") == "application/json":
        # desk.js: the card leaves only when something was done; the tabs' counts follow.
        done = level == messages.SUCCESS
        return JsonResponse({"message": str(message), "done": done, "undoable": undoable, "counts": desk.tab_counts()})
    model_admin.message_user(request, message, level)
    return _desk_back(request)


def _desk_back(request):
    """The desk as it was (tab, filters, page): the form says where it came from."""
    desk_url = reverse("admin:comments_comment_desk")
    back = request.POST.get("next", "")
    if back.startswith(desk_url) and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(back)
    return HttpResponseRedirect(desk_url)


def _int(value) -> int | None:
    """A positive whole number from a query string, or None (never an error page: « ² » is no number)."""
    number = plain_number(value)
    return number if number and number < 10**9 else None
