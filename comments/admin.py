"""The moderators' desk: a queue of waiting comments, one-click decisions, personal-data requests."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from articles.models import Section
from articles.people import public_name
from articles.templatetags.newsroom import french_date
from common.admin_titles import FrenchTitlesMixin, Names
from common.inputs import plain_number

from . import blocklist, desk
from .models import BlockedTerm, Comment, CommenterRule
from .personal_data import erase_comments_of, export_comments_of

# The one-click buttons: address slug → the status it gives, and its label.
MODERATION_ACTIONS = {
    "approuver": (Comment.Status.APPROVED, _("Approuver")),
    "rejeter": (Comment.Status.REJECTED, _("Rejeter")),
    "indesirable": (Comment.Status.SPAM, _("Indésirable")),
}


class StatusFilter(admin.SimpleListFilter):
    """Opens on the queue of waiting comments; « Tous » shows everything."""

    title = _("statut")
    parameter_name = "statut"
    default = Comment.Status.PENDING

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, ("tous", _("Tous"))]

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # A search looks through every comment unless a status is chosen.
        self.default = "tous" if request.GET.get("q") else Comment.Status.PENDING

    def queryset(self, request, queryset):
        value = self.value() or self.default
        if value == "tous":
            return queryset
        if value not in Comment.Status.values:
            return queryset.none()
        if value == Comment.Status.PENDING:
            return queryset.in_moderation()  # the moderators' queue
        return queryset.with_status(value)

    def choices(self, changelist):
        current = self.value() or self.default
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
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
# The article filter lists the most recent articles with comments in the tab; more would not be read.


class PersonalDataForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail de l’auteur"))
    confirm_erase = forms.BooleanField(
        label=_("Je confirme l’effacement définitif de tous les commentaires de cette adresse"), required=False
    )


class RecentArticleFilter(admin.RelatedFieldListFilter):
    """« Par article »: the latest articles with comments (``desk.articles_with``), never all of them.

    Django's own filters list every article, body included: 2.8 s at 100,000 articles.
    """

    def field_choices(self, field, request, model_admin):
        return [(article.pk, article.title) for article in desk.articles_with(Comment.objects.all())]


@admin.register(Comment)
class CommentAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("un commentaire"), _("le commentaire"))
    list_display = [
        "excerpt_column",
        "author_name",
        "author_email",
        "article_link",
        "created_at",
        "ip_address",
        "status",
        "moderation_buttons",
    ]
    list_filter = [StatusFilter, ("article", RecentArticleFilter)]
    list_select_related = ["article"]
    search_fields = ["body", "author_name", "author_email"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    actions = [
        "approve_selected",
        "reject_selected",
        "mark_spam_selected",
        "feature_selected",
        "unfeature_selected",
        "delete_selected",
    ]
    fields = [
        "article",
        "parent",
        "author_name",
        "author_email",
        "author_url",
        "body",
        "status",
        "held_reason",
        "created_at",
        "ip_address",
        "moderator_name",
        "moderated_at",
        "erasure",
    ]
    readonly_fields = [field for field in fields if field != "status"]
    change_list_template = "admin/comments/comment/change_list.html"

    def has_add_permission(self, request):
        return False  # comments come from readers, through the site

    def has_moderate_permission(self, request):
        return Comment.can_moderate(request.user)

    @admin.display(description=_("commentaire"))
    def excerpt_column(self, comment):
        return _("Commentaire supprimé") if comment.erased_at else comment.excerpt

    @admin.display(description=_("article"), ordering="article__title")
    def article_link(self, comment):
        # The public page: moderators need not be allowed to open articles in the admin.
        return format_html('<a href="{}">{}</a>', comment.article.get_absolute_url(), comment.article)

    @admin.display(description=_("modéré par"))
    def moderator_name(self, comment):
        # The name colleagues know, never a login.
        return public_name(comment.moderated_by)

    @admin.display(description=_("effacé le"))
    def erasure(self, comment):
        # Says why the fields are empty, only when they are.
        if not comment.erased_at:
            return "—"
        return format_html(
            "{} — {}",
            formats.date_format(timezone.localtime(comment.erased_at), "DATETIME_FORMAT"),
            _("Données personnelles effacées à la demande de l’auteur."),
        )

    @admin.display(description=_("modérer"))
    def moderation_buttons(self, comment):
        # Buttons of the changelist's own form (and its CSRF token), sent to our moderation URL.
        buttons = [
            format_html(
                '<button type="submit" class="button" formaction="{}">{}</button>',
                reverse("admin:comments_comment_moderate", args=[comment.pk, slug]),
                label,
            )
            for slug, (status, label) in MODERATION_ACTIONS.items()
            if status != comment.status
        ]
        return format_html(" ".join(["{}"] * len(buttons)), *buttons) if buttons else "—"

    def get_urls(self):
        return [
            path("bureau/", self.admin_site.admin_view(self.desk_view), name="comments_comment_desk"),
            path(
                "bureau/decider/",
                self.admin_site.admin_view(require_POST(self.desk_decide_view)),
                name="comments_comment_desk_decide",
            ),
            path(
                "bureau/annuler/",
                self.admin_site.admin_view(require_POST(self.desk_undo_view)),
                name="comments_comment_desk_undo",
            ),
            path(
                "<int:object_id>/moderer/<slug:action>/",
                self.admin_site.admin_view(require_POST(self.moderate_view)),
                name="comments_comment_moderate",
            ),
            path(
                "donnees-personnelles/",
                self.admin_site.admin_view(self.personal_data_view),
                name="comments_comment_personal_data",
            ),
            *super().get_urls(),
        ]

    def _back(self, request):
        referer = request.META.get("HTTP_REFERER", "")
        if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(referer)
        return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))

    def moderate_view(self, request, object_id, action):
        if not self.has_moderate_permission(request) or action not in MODERATION_ACTIONS:
            raise PermissionDenied
        comment = get_object_or_404(Comment, pk=object_id)
        status, _label = MODERATION_ACTIONS[action]
        comment.moderate(status, by=request.user)
        self.message_user(
            request,
            _("Commentaire de %(name)s : %(status)s.")
            % {"name": comment.author_name, "status": comment.get_status_display().lower()},
            messages.SUCCESS,
        )
        return self._back(request)

    # The moderation desk --------------------------------------------------------

    def desk_view(self, request):
        """« Bureau de modération »: one card per comment, tab by tab, with one-click decisions."""
        if not self.has_moderate_permission(request):
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
        history = desk.histories(card.author_email for card in cards)
        for card in cards:
            card.highlighted = desk.highlighted(card.body, blocked)
            card.since = desk.since(card.created_at)
            card.history = history.get(card.author_email.strip().lower(), "")
        filters = {key: value for key, value in (("article", article_id), ("rubrique", section_id)) if value}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
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

    def _desk_back(self, request):
        """The desk as it was (tab, filters, page): the form says where it came from."""
        desk_url = reverse("admin:comments_comment_desk")
        back = request.POST.get("next", "")
        if back.startswith(desk_url) and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(back)
        return HttpResponseRedirect(desk_url)

    def _desk_answer(self, request, message, level=messages.SUCCESS, *, undoable=False):
        if request.headers.get("Accept") == "application/json":
            # desk.js: the card leaves only when something was done; the tabs' counts follow.
            done = level == messages.SUCCESS
            return JsonResponse(
                {"message": str(message), "done": done, "undoable": undoable, "counts": desk.tab_counts()}
            )
        self.message_user(request, message, level)
        return self._desk_back(request)

    def desk_decide_view(self, request):
        """A decision from the desk: on the given comments, or on all the waiting ones of an author or article."""
        if not self.has_moderate_permission(request):
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
            return self._desk_answer(request, message, messages.WARNING)
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
            return self._desk_answer(request, message)
        if decision in FEATURE_DECISIONS:
            featured, message = FEATURE_DECISIONS[decision]
            changed = [comment for comment in comments.approved() if comment.is_featured != featured]
            for comment in changed:
                comment.set_featured(featured, by=request.user)
            return self._desk_answer(request, message if changed else _("Rien à changer : il l’était déjà."))
        if decision in ("approve_author", "approve_article"):
            first = comments.first()
            if first is None:
                return self._desk_answer(request, _("Ce commentaire n’existe plus."), messages.ERROR)
            if decision == "approve_author":
                comments = Comment.objects.pending().by_email(first.author_email)
            else:
                comments = Comment.objects.pending().filter(article_id=first.article_id)
            decision = "approve"
        status, describe = DESK_DECISIONS[decision]
        changed = list(comments.exclude(status=status).values_list("pk", flat=True))
        if not changed:
            # Already decided, by a colleague or in another tab: the card has nothing left to do here.
            return self._desk_answer(request, describe(0) % {"count": 0})
        Comment.objects.filter(pk__in=changed).set_status(status, by=request.user)
        message = describe(len(changed)) % {"count": len(changed)}
        request.session[LAST_DECISION] = {"ids": changed, "message": message}
        return self._desk_answer(request, message, undoable=True)

    def desk_undo_view(self, request):
        """« Annuler »: the comments of the last decision get their previous status back."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        last = request.session.pop(LAST_DECISION, None)
        if not last:
            return self._desk_answer(request, _("Aucune décision à annuler."), messages.WARNING)
        count = desk.undo(last["ids"], by=request.user)
        message = ngettext(
            "Décision annulée pour %(count)d commentaire.", "Décision annulée pour %(count)d commentaires.", count
        ) % {"count": count}
        return self._desk_answer(request, message)

    @admin.action(description=_("Approuver les commentaires sélectionnés"), permissions=["moderate"])
    def approve_selected(self, request, queryset):
        count = queryset.set_status(Comment.Status.APPROVED, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d commentaire approuvé.", "%(count)d commentaires approuvés.", count) % {"count": count},
        )

    @admin.action(description=_("Rejeter les commentaires sélectionnés"), permissions=["moderate"])
    def reject_selected(self, request, queryset):
        count = queryset.set_status(Comment.Status.REJECTED, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d commentaire rejeté.", "%(count)d commentaires rejetés.", count) % {"count": count},
        )

    @admin.action(description=_("Marquer comme indésirables"), permissions=["moderate"])
    def mark_spam_selected(self, request, queryset):
        count = queryset.set_status(Comment.Status.SPAM, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d commentaire indésirable.", "%(count)d commentaires indésirables.", count)
            % {"count": count},
        )

    @admin.action(description=_("Marquer comme choix de la rédaction"), permissions=["moderate"])
    def feature_selected(self, request, queryset):
        featured = [
            comment for comment in queryset if comment.status == Comment.Status.APPROVED and not comment.erased_at
        ]
        for comment in featured:
            comment.set_featured(True, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d commentaire marqué comme choix de la rédaction.",
                "%(count)d commentaires marqués comme choix de la rédaction.",
                len(featured),
            )
            % {"count": len(featured)},
        )
        if skipped := queryset.count() - len(featured):
            self.message_user(
                request,
                ngettext(
                    "%(count)d commentaire non approuvé laissé de côté : seul un commentaire approuvé peut être choisi.",
                    "%(count)d commentaires non approuvés laissés de côté : seul un commentaire approuvé peut être choisi.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Retirer le choix de la rédaction"), permissions=["moderate"])
    def unfeature_selected(self, request, queryset):
        chosen = list(queryset.filter(is_featured=True))
        for comment in chosen:
            comment.set_featured(False, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d commentaire retiré des choix de la rédaction.",
                "%(count)d commentaires retirés des choix de la rédaction.",
                len(chosen),
            )
            % {"count": len(chosen)},
        )

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.moderate(obj.status, by=request.user)
        else:
            super().save_model(request, obj, form, change)

    def personal_data_view(self, request):
        """Export (JSON) or erase every comment of one email address: the reader's rights, on request."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        form = PersonalDataForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            if "export" in request.POST:
                response = HttpResponse(
                    json.dumps(export_comments_of(email), ensure_ascii=False, indent=2),
                    content_type="application/json; charset=utf-8",
                )
                response["Content-Disposition"] = 'attachment; filename="commentaires.json"'
                return response
            if "erase" in request.POST:
                if not form.cleaned_data["confirm_erase"]:
                    form.add_error("confirm_erase", _("Cochez cette case pour confirmer l’effacement."))
                else:
                    count = erase_comments_of(email)
                    self.message_user(
                        request,
                        ngettext(
                            "%(count)d commentaire effacé pour %(email)s.",
                            "%(count)d commentaires effacés pour %(email)s.",
                            count,
                        )
                        % {"count": count, "email": email},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:comments_comment_personal_data"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Données personnelles des commentateurs"),
            "form": form,
        }
        return TemplateResponse(request, "admin/comments/comment/personal_data.html", context)


def _int(value) -> int | None:
    """A positive whole number from a query string, or None (never an error page: « ² » is no number)."""
    number = plain_number(value)
    return number if number and number < 10**9 else None


@admin.register(BlockedTerm)
class BlockedTermAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("un mot interdit"), _("le mot interdit"))
    list_display = ["term", "created_at"]
    search_fields = ["term"]


# Commenter rules ------------------------------------------------------------------------------------


class RuleStateFilter(admin.SimpleListFilter):
    """Opens on the rules in force; lifted ones stay listed, as the history of who decided what."""

    title = _("état")
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [("actives", _("Actives")), ("levees", _("Levées"))]

    def queryset(self, request, queryset):
        if self.value() == "actives":
            return queryset.active()
        if self.value() == "levees":
            return queryset.filter(lifted_at__isnull=False)
        return queryset


VALUE_HELP = _(
    "Une adresse e-mail, un domaine ou une adresse IP. Un domaine vaut aussi pour ses sous-domaines, "
    "quelle que soit son écriture : bücher.de et xn--bcher-kva.de sont le même domaine."
)

# Short words for the list; the form keeps the long labels, which say what each rule does.
RULE_WORDS = {CommenterRule.Action.BAN: _("bannir"), CommenterRule.Action.TRUST: _("faire confiance")}


@admin.register(CommenterRule)
class CommenterRuleAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    """Bans and trust, made and lifted by moderators; never deleted, so that the history stays.

    The add form takes its values from the address (``?kind=email&value=…&action=ban``): the
    desk links « Bannir cet auteur » there.
    """

    names = Names(_("une règle sur un commentateur"), _("la règle"))
    list_display = ["kind", "value", "rule_column", "reason_column", "made_by", "created_at", "state_column"]
    list_filter = [RuleStateFilter, "action", "kind"]
    list_select_related = ["created_by", "lifted_by"]
    search_fields = ["value", "reason"]
    actions = ["lift_selected"]
    radio_fields = {"kind": admin.HORIZONTAL, "action": admin.VERTICAL}

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["kind", "value", "action", "reason"]
        return ["kind", "value", "action", "reason", "made_by", "created_at", "state"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "value":
            kwargs["help_text"] = VALUE_HELP
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # A rule is not rewritten: lift it and make another. Its reason may still be completed.
        return [] if obj is None else ["kind", "value", "action", "made_by", "created_at", "state"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_active:
            return False  # lifted: kept as it was
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # lifted, never deleted

    @admin.display(description=_("règle"), ordering="action")
    def rule_column(self, rule):
        return RULE_WORDS.get(rule.action, rule.action)

    @admin.display(description=_("motif"))
    def reason_column(self, rule):
        return Truncator(rule.reason).chars(80) or "—"

    @admin.display(description=_("créée par"))
    def made_by(self, rule):
        return public_name(rule.created_by)

    @admin.display(description=_("état"), ordering="lifted_at")
    def state_column(self, rule):
        if rule.is_active:
            return _("Active")
        who = public_name(rule.lifted_by, missing=_("le système"))
        return _("Levée le %(date)s par %(name)s") % {"date": french_date(rule.lifted_at, True), "name": who}

    @admin.display(description=_("état"))
    def state(self, rule):
        if not rule.is_active:
            return self.state_column(rule)
        # On the rule's page: a button of the page's own form (and its CSRF token), sent to the lift URL.
        return format_html(
            '{} <button type="submit" class="button" formaction="{}">{}</button>',
            _("Active"),
            reverse("admin:comments_commenterrule_lift", args=[rule.pk]),
            _("Lever la règle"),
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/lever/",
                self.admin_site.admin_view(require_POST(self.lift_view)),
                name="comments_commenterrule_lift",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def lift_view(self, request, object_id):
        if not CommenterRule.can_keep(request.user):
            raise PermissionDenied
        rule = get_object_or_404(CommenterRule, pk=object_id)
        if rule.is_active:
            rule.lift(by=request.user)
            self.log_change(request, rule, _("Règle levée."))
            self.message_user(request, _("Règle levée : %(value)s.") % {"value": rule.value}, messages.SUCCESS)
        else:
            self.message_user(request, _("Cette règle était déjà levée."), messages.WARNING)
        return HttpResponseRedirect(reverse("admin:comments_commenterrule_changelist"))

    @admin.action(description=_("Lever les règles sélectionnées"), permissions=["change"])
    def lift_selected(self, request, queryset):
        count = queryset.lift(by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d règle levée.", "%(count)d règles levées.", count) % {"count": count},
            messages.SUCCESS,
        )
