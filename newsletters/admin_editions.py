"""Lists and editions in the admin: the editors' desk of newsletters.

An edition's page orders its articles as « Composer la une » orders the front page, with the same
controls and script (``EditionComposition``, static/articles/frontpage.js): drag and drop, or
« Monter », « Descendre », « Retirer » announced in a live region, « Ajouter » by searching a
title; every control works without JavaScript and one form carries everything typed, so that no
button loses the subject or the editors' word. From there: « Aperçu » (the real mail, HTML or
text, of what the form holds, nothing saved), « M’envoyer un test », « Programmer » (Paris time)
and « Envoyer maintenant » after a confirmation. An edition being sent or sent is read-only, its
figures on its page and in the list (one query for the whole list). « Envoyer l’alerte en cours »,
above the list, sends the alert readers see to the « Alerte info » subscribers in one click.

Admin views are never cached (``admin_site.admin_view`` adds ``never_cache``).
"""

import contextlib
import datetime
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.html import escape
from django.utils.translation import gettext_lazy, ngettext
from django.utils.translation import gettext_lazy as _

from articles.admin_frontpage import Composition, found_articles, local_time, search_articles
from articles.models import Article
from common.admin_titles import FrenchTitlesMixin, Names
from common.dates import SplitDateTimeAcrossClockChanges

from . import editions, sending
from .editions import EditionError
from .mail import EditionMail
from .models import Delivery, Edition, NewsletterList, Subscriber, Subscription
from .sending import CannotSend

# More than an automatic edition takes (editions.MAX_ITEMS): room for the editors' additions.
EDITION_CAPACITY = 25
READ_ONLY = (Edition.Status.SENDING, Edition.Status.SENT)


class EditionComposition(Composition):
    """An edition's articles as the form sends them: the front page's list, in the edition's words."""

    removed_text = gettext_lazy("« %(title)s » retiré de l’édition")
    already_text = gettext_lazy("Cet article est déjà dans l’édition.")
    full_text = gettext_lazy("L’édition est complète (%(count)d articles) : retirez-en un avant d’en ajouter.")

    @staticmethod
    def capacity() -> int:
        return EDITION_CAPACITY

    @staticmethod
    def candidates():
        return Article.objects.published()  # a reader follows every link of the mail at once


# Lists -----------------------------------------------------------------------------------------


class NewsletterListForm(forms.ModelForm):
    class Meta:
        model = NewsletterList
        fields = ["name", "slug", "kind", "territory", "description", "is_open", "send_time", "position"]

    def clean(self):
        cleaned = super().clean()
        kind, territory = cleaned.get("kind"), cleaned.get("territory")
        if kind == NewsletterList.Kind.TERRITORY and territory is None:
            self.add_error("territory", _("Choisissez le territoire dont cette lettre reprend les articles."))
        if kind != NewsletterList.Kind.TERRITORY and territory is not None:
            self.add_error("territory", _("Seule une lettre de territoire a un territoire : videz ce champ."))
        if kind == NewsletterList.Kind.ALERT and cleaned.get("send_time") is not None:
            self.add_error(
                "send_time",
                _("Une lettre « Alerte info » part quand la rédaction envoie une alerte : laissez l’heure vide."),
            )
        return cleaned


@admin.register(NewsletterList)
class NewsletterListAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("une lettre"), _("la lettre"))
    form = NewsletterListForm
    list_display = ["name", "kind", "territory", "send_time", "is_open", "subscribers"]
    list_select_related = ["territory"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["territory"]

    class Media:
        js = ["articles/admin/desk.js"]  # the territory's autocomplete box named by its label, as the article form's

    def get_queryset(self, request):
        active = Q(subscriptions__status=Subscription.Status.ACTIVE)
        return super().get_queryset(request).annotate(active_subscribers=Count("subscriptions", filter=active))

    @admin.display(description=_("abonnés"), ordering="active_subscribers")
    def subscribers(self, newsletter):
        return newsletter.active_subscribers

    def has_delete_permission(self, request, obj=None):
        return False  # its editions and the proofs of consent stay; « ouverte aux inscriptions » closes it


# Editions --------------------------------------------------------------------------------------


class EditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = ["subject", "editorial"]
        widgets = {"editorial": forms.Textarea(attrs={"rows": 4})}


class ScheduleForm(forms.Form):
    """When the edition goes out, in Paris time: judged only when « Programmer » is pressed."""

    scheduled_for = SplitDateTimeAcrossClockChanges(
        label=gettext_lazy("Envoyer le"),
        required=False,
        widget=AdminSplitDateTime,
        help_text=gettext_lazy("Date (JJ/MM/AAAA) et heure (HH:MM), heure de Paris."),
    )

    def __init__(self, *args, scheduling: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheduling = scheduling

    def clean_scheduled_for(self):
        moment = self.cleaned_data.get("scheduled_for")
        if not self.scheduling:
            return moment
        if moment is None:
            raise forms.ValidationError(_("Indiquez la date et l’heure de l’envoi."))
        if moment <= timezone.now():
            raise forms.ValidationError(
                _("Cette date est passée : choisissez une date et une heure à venir, ou « Envoyer maintenant ».")
            )
        return moment


def next_send_time(edition: Edition) -> datetime.datetime | None:
    """What « Programmer » proposes: the edition's own time, else the list's next send time."""
    if edition.scheduled_for and edition.scheduled_for > timezone.now():
        return edition.scheduled_for
    if edition.newsletter.send_time is None:
        return None
    now = timezone.now()
    return next(moment for moment in editions.send_times(edition.newsletter, now) if moment > now)


def deliveries_counted(**conditions):
    """How many of an edition's deliveries meet ``conditions``: a subquery per row of the page shown,
    read from the deliveries' (edition, status) index, rather than a GROUP BY over every edition's."""
    counted = (
        Delivery.objects.filter(edition=OuterRef("pk"), **conditions)
        .order_by()
        .values("edition")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted), 0)


FIGURES = {
    "recipients": deliveries_counted(),
    # As sending.figures counts them for one edition: a bounced mail had been sent.
    "sent": deliveries_counted(status__in=[Delivery.Status.SENT, Delivery.Status.BOUNCED]),
    "refused": deliveries_counted(status=Delivery.Status.REFUSED),
    "bounced": deliveries_counted(status=Delivery.Status.BOUNCED),
    "unsubscribed": deliveries_counted(unsubscribed_at__isnull=False),
}
FIGURE_NAMES = {
    "recipients": gettext_lazy("destinataires"),
    "sent": gettext_lazy("envoyés"),
    "refused": gettext_lazy("refusés"),
    "bounced": gettext_lazy("rejetés"),
    "unsubscribed": gettext_lazy("désabonnés"),
}


def figure_column(name: str):
    def column(self, edition):
        return getattr(edition, f"figure_{name}")

    column.__name__ = f"figure_{name}"
    return admin.display(description=FIGURE_NAMES[name], ordering=f"figure_{name}")(column)


# The preview's own policy: the mail's <style> (dark mode) and inline styles, its pictures wherever
# the site serves them; never a script.
PREVIEW_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "https:", "data:"],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}


@admin.register(Edition)
class EditionAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("une édition"), _("l’édition"))
    list_display = ["subject", "newsletter", "status", "when", *(f"figure_{name}" for name in FIGURES)]
    list_filter = ["status", "newsletter"]
    list_select_related = ["newsletter"]
    search_fields = ["subject"]
    change_list_template = "admin/newsletters/edition/change_list.html"
    # The figures cost a count per edition shown: 25 rows of 5,000 deliveries each, 0.08 s on PostgreSQL.
    list_per_page = 25
    edit_template = "admin/newsletters/edition/edit.html"

    figure_recipients = figure_column("recipients")
    figure_sent = figure_column("sent")
    figure_refused = figure_column("refused")
    figure_bounced = figure_column("bounced")
    figure_unsubscribed = figure_column("unsubscribed")

    def get_queryset(self, request):
        # Every figure of every edition of the page in the list's own query: no query per row.
        return super().get_queryset(request).annotate(**{f"figure_{name}": count for name, count in FIGURES.items()})

    @admin.display(description=_("envoi"), ordering="scheduled_for")
    def when(self, edition):
        if edition.status == Edition.Status.SENT and edition.sent_at:
            return local_time(edition.sent_at)
        if edition.status in (Edition.Status.SCHEDULED, Edition.Status.SENDING) and edition.scheduled_for:
            return local_time(edition.scheduled_for)
        return "—"

    def has_change_permission(self, request, obj=None):
        # Once it leaves, an edition is what its readers got: read-only.
        return super().has_change_permission(request, obj) and (obj is None or obj.status not in READ_ONLY)

    def has_delete_permission(self, request, obj=None):
        return False

    # Pages ------------------------------------------------------------------------------------

    def get_urls(self):
        name = "newsletters_edition"
        wrap = self.admin_site.admin_view
        return [
            path("recherche/", wrap(self.search_view), name=f"{name}_search"),
            path("alerte/", wrap(self.alert_view), name=f"{name}_alert"),
            path("<int:pk>/apercu/", wrap(self.preview_view), name=f"{name}_preview"),
            path("<int:pk>/envoyer/", wrap(self.send_view), name=f"{name}_send"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        alert = editions.current_alert()
        context = {
            "current_alert": alert,
            "alert_sent": alert is not None and Edition.objects.filter(alert=alert).exists(),
            "may_send_alert": self.has_add_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def add_view(self, request, form_url="", extra_context=None):
        """A new edition starts assembled from the site: the editor picks the list, then changes it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        lists = NewsletterList.objects.exclude(kind=NewsletterList.Kind.ALERT)
        error = ""
        if request.method == "POST":
            newsletter = lists.filter(pk=request.POST.get("newsletter") or 0).first()
            if newsletter is not None:
                edition = editions.new_edition(newsletter, by=request.user)
                count = edition.items.count()
                self.message_user(
                    request,
                    ngettext(
                        "Édition préparée avec %(count)d article : relisez-la, puis programmez-la ou envoyez-la.",
                        "Édition préparée avec %(count)d articles : relisez-la, puis programmez-la ou envoyez-la.",
                        count,
                    )
                    % {"count": count},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:newsletters_edition_change", args=[edition.pk]))
            error = _("Choisissez la lettre de cette édition.")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Ajouter une édition"),
            "lists": lists,
            "error": error,
        }
        return TemplateResponse(request, "admin/newsletters/edition/add.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        edition = self.get_object(request, object_id)
        if edition is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, edition):
            raise PermissionDenied
        if not self.has_change_permission(request, edition):
            if request.method == "POST":
                raise PermissionDenied
            return self.render_edition(request, edition, read_only=True)
        if request.method != "POST":
            composition = EditionComposition.from_articles(item.article for item in self.items_of(edition))
            schedule = ScheduleForm(initial={"scheduled_for": next_send_time(edition)})
            return self.render_edition(
                request, edition, form=EditionForm(instance=edition), composition=composition, schedule=schedule
            )
        return self.edit(request, edition)

    def items_of(self, edition):
        return edition.items.select_related("article__section").order_by("position", "pk")

    def edit(self, request, edition: Edition):
        """One POST of the edition's form: a move, an addition, a search, or a save and what follows it."""
        data = request.POST
        composition = EditionComposition.from_post(data)
        form = EditionForm(data, instance=edition)
        scheduling = "_schedule" in data
        schedule = ScheduleForm(data, scheduling=scheduling)
        announcement, errors = "", {}
        if composition.is_valid:
            if "_move" in data:
                direction, _sep, pk = data["_move"].partition(":")
                announcement = composition.move(pk, -1 if direction == "up" else 1)
            elif "_remove" in data:
                announcement = composition.remove(data["_remove"])
            elif "_add" in data:
                announcement = composition.add(data["_add"])
            elif {"_save", "_test", "_schedule", "_unschedule", "_send"} & set(data):
                if "_test" in data and not request.user.email:
                    errors["test"] = _(
                        "Votre compte n’a pas d’adresse e-mail : ajoutez-en une à votre profil pour recevoir un test."
                    )
                elif form.is_valid() and not composition.too_long and schedule.is_valid():
                    try:
                        self.save_edition(request, edition, form, composition)
                        return self.after_save(request, edition, data, schedule)
                    except (EditionError, CannotSend) as error:
                        errors["send"] = str(error)
        query = data.get("q", "").strip()
        return self.render_edition(
            request,
            edition,
            query=query,
            results=search_articles(query, among=Article.objects.published()) if query else None,
            form=form,
            composition=composition,
            schedule=schedule,
            announcement=announcement,
            errors=errors,
            scheduling=scheduling,
        )

    @transaction.atomic
    def save_edition(self, request, edition: Edition, form: EditionForm, composition: EditionComposition) -> None:
        # Locked, so that the worker cannot start sending it while it changes (and never after).
        if not Edition.objects.select_for_update().filter(pk=edition.pk).exclude(status__in=READ_ONLY).exists():
            raise EditionError(_("Cette édition est partie entre-temps : elle ne peut plus être modifiée."))
        before = [item.article_id for item in edition.items.all()]
        after = [article.pk for article in composition.articles]
        edition = form.save(commit=False)
        if form.has_changed() or before != after:
            edition.edited_by_hand = True  # never assembled again over the editors' choices
        # Its state and time are the sending's (another tab may have scheduled it meanwhile).
        edition.save(update_fields=["subject", "editorial", "edited_by_hand"])
        if before != after:
            edition.items.all().delete()
            edition.items.bulk_create(
                edition.items.model(edition=edition, article=article, position=number)
                for number, article in enumerate(composition.articles, start=1)
            )

    def after_save(self, request, edition: Edition, data, schedule: ScheduleForm):
        here = reverse("admin:newsletters_edition_change", args=[edition.pk])
        if "_test" in data:
            editions.check_sendable(edition)
            sending.send_test(edition, request.user.email)
            self.message_user(
                request, _("Un test est parti à %(address)s.") % {"address": request.user.email}, messages.SUCCESS
            )
        elif "_schedule" in data:
            editions.check_sendable(edition)
            sending.schedule(edition, schedule.cleaned_data["scheduled_for"], by=request.user)
            edition.refresh_from_db()
            self.message_user(
                request,
                _("Édition programmée : elle partira le %(when)s.") % {"when": local_time(edition.scheduled_for)},
                messages.SUCCESS,
            )
        elif "_unschedule" in data:
            if sending.cancel_schedule(edition, by=request.user):
                self.message_user(request, _("L’édition n’est plus programmée : elle redevient un brouillon."))
        elif "_send" in data:
            editions.check_sendable(edition)
            return HttpResponseRedirect(reverse("admin:newsletters_edition_send", args=[edition.pk]))
        else:
            self.message_user(request, _("L’édition est enregistrée."), messages.SUCCESS)
        return HttpResponseRedirect(here)

    def render_edition(self, request, edition, *, read_only=False, errors=None, scheduling=False, **context):
        figures = sending.figures(edition) if edition.status in READ_ONLY else None
        context = {
            **self.admin_site.each_context(request),
            **context,
            "opts": self.opts,
            "original": edition,
            "edition": edition,
            "title": edition.subject if read_only else _("Modifier l’édition"),
            "read_only": read_only,
            "items": self.items_of(edition) if read_only else None,
            "figures": [(FIGURE_NAMES[name], figures[name]) for name in FIGURES] if figures else None,
            "errors": errors or {},
            "scheduling": scheduling,
            "slots": EDITION_CAPACITY,
            "blank_row": {"article": {"pk": "__id__", "title": "", "section": {"name": ""}}, "position": ""},
            "has_email": bool(request.user.email),
        }
        if "schedule" in context:
            context["media"] = self.media + context["schedule"].media
        return TemplateResponse(request, self.edit_template, context)

    def search_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        return found_articles(search_articles(request.GET.get("q", ""), among=Article.objects.published()))

    # The mail, as a reader would get it -------------------------------------------------------

    def preview_view(self, request, pk):
        """The real mail of the edition: of what the form holds (a POST, saved nowhere) or as saved (a GET)."""
        edition = get_object_or_404(Edition.objects.select_related("newsletter", "alert"), pk=pk)
        if not self.has_view_or_change_permission(request, edition):
            raise PermissionDenied
        reader = Subscriber(email=request.user.email or "apercu@example.org", key="apercu")
        as_text = (request.POST or request.GET).get("version") == "texte"
        if request.method == "POST" and self.has_change_permission(request, edition):
            with transaction.atomic():
                composition = EditionComposition.from_post(request.POST)
                form = EditionForm(request.POST, instance=edition)
                # An edition that left meanwhile is not changed: the preview shows it as it went.
                if form.is_valid():
                    with contextlib.suppress(EditionError):
                        self.save_edition(request, edition, form, composition)
                mail = EditionMail(edition)
                body = mail.text_for(reader) if as_text else mail.html_for(reader)
                transaction.set_rollback(True)  # a preview, not a save
        else:
            mail = EditionMail(edition)
            body = mail.text_for(reader) if as_text else mail.html_for(reader)
        bar = self.preview_bar(request, edition, as_text)
        if as_text:
            page = (
                f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{escape(edition.subject)}</title>'
                f'<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>{bar}'
                f'<pre style="white-space:pre-wrap;font:1rem/1.5 monospace;max-width:40rem;margin:1rem auto">'
                f"{escape(body)}</pre></body></html>"
            )
        else:
            page = re.sub(r"(<body[^>]*>)", lambda found: found.group(1) + bar, body, count=1)
        response = HttpResponse(page)
        response._csp_config = PREVIEW_CSP
        return response

    def preview_bar(self, request, edition, as_text: bool) -> str:
        """The toggle between the two parts, above the mail: a form that sends what the editor's form held."""
        kept = ""
        if request.method == "POST":
            for name in ("subject", "editorial"):
                kept += f'<input type="hidden" name="{name}" value="{escape(request.POST.get(name, ""))}">'
            for value in request.POST.getlist("article"):
                if value.isdigit():
                    kept += f'<input type="hidden" name="article" value="{value}">'
                    position = request.POST.get(f"position_{value}", "")
                    kept += f'<input type="hidden" name="position_{value}" value="{escape(position)}">'
        other, label = ("html", _("Voir la version HTML")) if as_text else ("texte", _("Voir la version texte"))
        method = "post" if request.method == "POST" else "get"
        token = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">' if method == "post" else ""
        )
        return (
            '<div role="region" aria-label="Aperçu" style="font:14px/1.4 sans-serif;background:#fff8d6;color:#222;'
            'padding:8px 12px;border-bottom:1px solid #c9b458">'
            f'<form method="{method}" action="" style="margin:0">{token}{kept}'
            f"<strong>{escape(_('Aperçu du courriel'))}</strong> — {escape(edition.subject)} "
            f'<button type="submit" name="version" value="{other}">{escape(label)}</button></form></div>'
        )

    # Sending ----------------------------------------------------------------------------------

    def send_view(self, request, pk):
        """« Envoyer maintenant », confirmed: who gets it and how many, then one button."""
        edition = get_object_or_404(Edition.objects.select_related("newsletter"), pk=pk)
        if not self.has_change_permission(request, edition):
            raise PermissionDenied
        here = reverse("admin:newsletters_edition_change", args=[edition.pk])
        if request.method == "POST":
            try:
                editions.check_sendable(edition)
                sending.send_now(edition, by=request.user)
            except (EditionError, CannotSend) as error:
                self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(here)
            self.message_user(
                request,
                _("L’envoi a commencé : les abonnés la reçoivent dans les minutes qui viennent."),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(here)
        subscribers = edition.newsletter.subscriptions.active().count()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": edition,
            "edition": edition,
            "title": _("Envoyer l’édition maintenant ?"),
            "subscribers": subscribers,
            "cancel_url": here,
        }
        return TemplateResponse(request, "admin/newsletters/edition/send.html", context)

    def alert_view(self, request):
        """« Envoyer l’alerte en cours »: the alert readers see, to the « Alerte info » subscribers, now."""
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        try:
            sent = editions.send_alert(editions.current_alert(), by=request.user)
        except EditionError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                _("L’alerte part aux abonnés de %(lists)s.") % {"lists": ", ".join(str(e.newsletter) for e in sent)},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:newsletters_edition_changelist"))
