"""The journalists' desk of a live, in the admin: one field to post, the entries newest first, each one
corrected, withdrawn or pinned where it stands, and the editors' « Terminer le direct ».

Every action is a POST that works without JavaScript (it redirects back to the desk, or shows the
desk again with the message next to the field and the text as typed); ``desk.js`` sends the same
forms with ``fetch`` and ``Accept: application/json``, and puts the entry's new HTML in the list
without reloading. The rules are the models' operations; these views only arrange them.
"""

import html
import re

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from articles.people import public_name
from articles.typography import clock

from .forms import CorrectionForm, EntryForm
from .models import LiveCoverage, LiveEntry, may_end, may_post

ENTRIES_PER_PAGE = 50

# The entries' buttons: address slug → the operation, and what the desk says once it is done.
ENTRY_ACTIONS = {
    "epingler": (lambda entry, by: entry.set_pinned(True, by), _("Entrée épinglée en tête du direct.")),
    "desepingler": (lambda entry, by: entry.set_pinned(False, by), _("Entrée désépinglée : elle reprend sa place.")),
    "temps-fort": (lambda entry, by: entry.set_key_moment(True, by), _("Entrée ajoutée aux temps forts.")),
    "pas-temps-fort": (lambda entry, by: entry.set_key_moment(False, by), _("Entrée retirée des temps forts.")),
}


def wants_json(request) -> bool:
    return request.headers.get("Accept") == "application/json"


def desk_url(coverage) -> str:
    return reverse("admin:live_livecoverage_change", args=[coverage.pk])


def edited_text(body: str) -> str:
    """What the correction field shows: plain lines for plain paragraphs (as typed), the stored HTML otherwise."""
    if re.fullmatch(r"(<p>[^<]*</p>)+", body):
        return "\n".join(html.unescape(text) for text in re.findall(r"<p>([^<]*)</p>", body))
    return body


def time_of(moment) -> str:
    """« 14 h 32 », in the site's time zone."""
    local = timezone.localtime(moment)
    return clock(local.hour, local.minute)


def entry_context(entry: LiveEntry, request, correction_form=None) -> dict:
    return {
        "entry": entry,
        "author": public_name(entry.author),
        "published": time_of(entry.published_at),
        "edited": time_of(entry.edited_at) if entry.edited_at else "",
        "withdrawn": time_of(entry.withdrawn_at) if entry.withdrawn_at else "",
        "correction_form": correction_form or CorrectionForm(initial={"body": edited_text(entry.body)}),
        "can_write": may_post(request.user),
    }


def render_entry(request, entry: LiveEntry, correction_form=None) -> str:
    return render_to_string(
        "admin/live/livecoverage/_entry.html", entry_context(entry, request, correction_form), request
    )


def state_context(coverage: LiveCoverage) -> dict:
    """What the desk's header shows (``_state.html``): the live's state, its counts, the article's links."""
    return {
        "coverage": coverage,
        "article": coverage.article,
        "counts": coverage.entries.tally(),
        "ended": time_of(coverage.ended_at) if coverage.ended_at else "",
        "article_url": reverse("admin:articles_article_change", args=[coverage.article_id]),
    }


def _coverage(request, object_id) -> LiveCoverage:
    if not may_post(request.user):
        raise PermissionDenied
    return get_object_or_404(LiveCoverage.objects.select_related("article"), pk=object_id)


def desk_page(request, model_admin: ModelAdmin, object_id, *, form=None, correcting=None, status=200):
    """The desk: the quick form, then the live's entries newest first (withdrawn ones too, marked so)."""
    coverage = _coverage(request, object_id)
    entries = coverage.entries.select_related("author", "withdrawn_by").order_by("-published_at", "-pk")
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for entry in page:
        correction_form = correcting[1] if correcting and correcting[0] == entry.pk else None
        rows.append(entry_context(entry, request, correction_form))
    context = {
        **model_admin.admin_site.each_context(request),
        **state_context(coverage),
        "opts": LiveCoverage._meta,
        "title": _("Direct : %(title)s") % {"title": coverage.article.title},
        "form": form or EntryForm(),
        "rows": rows,
        "page": page,
        "can_end": may_end(request.user) and coverage.is_ongoing,
    }
    return TemplateResponse(request, "admin/live/livecoverage/desk.html", context, status=status)


def post_entry(request, model_admin: ModelAdmin, object_id):
    """« Publier »: one entry, now."""
    coverage = _coverage(request, object_id)
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            entry = coverage.post(
                form.cleaned_data["body"],
                request.user,
                pinned=form.cleaned_data["pinned"],
                key_moment=form.cleaned_data["key_moment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(
                request,
                model_admin,
                coverage,
                entry,
                _("Entrée publiée à %(time)s.") % {"time": time_of(entry.published_at)},
            )
    return _refused(request, model_admin, coverage, form)


def correct_entry(request, model_admin: ModelAdmin, object_id, entry_id):
    """« Corriger »: the new text replaces the old; readers see « modifié à 14 h 32 »."""
    coverage = _coverage(request, object_id)
    entry = get_object_or_404(coverage.entries, pk=entry_id)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            entry.correct(form.cleaned_data["body"], request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, model_admin, coverage, entry, _("Entrée corrigée."))
    return _refused(request, model_admin, coverage, form, entry)


def withdraw_entry(request, model_admin: ModelAdmin, object_id, entry_id):
    """« Retirer »: asks first (a page without JavaScript, a dialog with it), then takes it from readers at once."""
    coverage = _coverage(request, object_id)
    entry = get_object_or_404(coverage.entries.select_related("author"), pk=entry_id)
    if request.POST.get("confirme") != "oui":
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": LiveCoverage._meta,
            "title": _("Retirer cette entrée ?"),
            "coverage": coverage,
            "entry": entry,
            "published": time_of(entry.published_at),
            "desk_url": desk_url(coverage),
        }
        return TemplateResponse(request, "admin/live/livecoverage/withdraw_confirm.html", context)
    entry.withdraw(request.user)
    return _done(request, model_admin, coverage, entry, _("Entrée retirée : les lecteurs ne la voient plus."))


def flag_entry(request, model_admin: ModelAdmin, object_id, entry_id, action):
    coverage = _coverage(request, object_id)
    entry = get_object_or_404(coverage.entries, pk=entry_id)
    if action not in ENTRY_ACTIONS:
        raise PermissionDenied
    operation, message = ENTRY_ACTIONS[action]
    try:
        operation(entry, request.user)
    except ValidationError as error:
        return _refused(request, model_admin, coverage, None, entry, error)
    return _done(request, model_admin, coverage, entry, message)


def end_live(request, model_admin: ModelAdmin, object_id):
    """« Terminer le direct » (editors): readers see « Ce direct est terminé »; nobody posts any more."""
    coverage = get_object_or_404(LiveCoverage, pk=object_id)
    coverage.end(request.user)  # PermissionDenied for anyone but an editor
    model_admin.message_user(
        request, _("Ce direct est terminé : l’article redevient un article ordinaire."), messages.SUCCESS
    )
    return HttpResponseRedirect(desk_url(coverage))


def start_live(request, model_admin: ModelAdmin, article_id):
    """« Passer cet article en direct »: a page that asks, then the desk."""
    if not may_post(request.user):
        raise PermissionDenied
    article = get_object_or_404(Article, pk=article_id)
    existing = LiveCoverage.objects.filter(article=article).first()
    if existing is not None:
        return HttpResponseRedirect(desk_url(existing))
    if request.method == "POST":
        coverage = LiveCoverage.start(article, request.user)
        model_admin.message_user(
            request, _("L’article est en direct : publiez la première entrée ci-dessous."), messages.SUCCESS
        )
        return HttpResponseRedirect(desk_url(coverage))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": LiveCoverage._meta,
        "title": _("Passer cet article en direct ?"),
        "article": article,
        "article_url": reverse("admin:articles_article_change", args=[article.pk]),
    }
    return TemplateResponse(request, "admin/live/livecoverage/start_confirm.html", context)


def _done(request, model_admin: ModelAdmin, coverage, entry, message):
    if wants_json(request):
        entry.refresh_from_db()
        state = render_to_string("admin/live/livecoverage/_state.html", state_context(coverage), request)
        answer = {"ok": True, "message": str(message), "entry": entry.pk, "html": render_entry(request, entry)}
        return JsonResponse({**answer, "state": state})
    model_admin.message_user(request, message, messages.SUCCESS)
    return HttpResponseRedirect(desk_url(coverage) + f"#entree-{entry.pk}")


def _refused(request, model_admin: ModelAdmin, coverage, form, entry=None, error=None):
    """The desk again, the message next to the field and the text as typed; JSON for desk.js."""
    if wants_json(request):
        errors = [str(m) for m in error.messages] if error else [str(m) for ms in form.errors.values() for m in ms]
        return JsonResponse({"ok": False, "errors": errors}, status=400)
    if error is not None:
        model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(desk_url(coverage) + f"#entree-{entry.pk}")
    if entry is not None:
        return desk_page(request, model_admin, coverage.pk, correcting=(entry.pk, form), status=400)
    return desk_page(request, model_admin, coverage.pk, form=form, status=400)


def live_link(request, article):
    """The article page's link to its live: to start one, or to its desk."""
    if not may_post(request.user):
        return None
    coverage = LiveCoverage.objects.filter(article=article).first()
    if coverage is None:
        return _("Passer cet article en direct"), reverse("admin:live_livecoverage_start", args=[article.pk])
    label = _("Ouvrir le direct") if coverage.is_ongoing else _("Voir le direct (terminé)")
    return label, reverse("admin:live_livecoverage_change", args=[coverage.pk])
