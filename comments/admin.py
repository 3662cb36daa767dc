"""Comments, blocked words and commenter rules in the admin.

The moderators' own pages (the desk, the changelist's one-click buttons) are views of
``comments.desk_views``; ``CommentAdmin.get_urls`` wires them here. A commenter's data request is
answered on the admin's page for every app (``common.personal_data``, ``newsroom/personal_data_views.py``).
"""

from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.generic import RedirectView

from articles.people import public_name
from articles.templatetags.newsroom import french_date
from common.admin_titles import FrenchTitlesMixin, Names

from . import desk, desk_views
from .desk_views import MODERATION_ACTIONS
from .models import BlockedTerm, Comment, CommenterRule


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


class RecentArticleFilter(admin.RelatedFieldListFilter):
    """« Par article »: the latest articles with comments (``desk.articles_with``), never all of them.

    Django's own filters list every article, body included: 2.8 s at 100,000 articles.
    """

    def field_choices(self, field, request, model_admin):
        return [(article.pk, article.title) for article in desk.articles_with(Comment.objects.all())]


@admin.register(Comment)
class CommentAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("un commentaire"), _("le commentaire"))
    # Five columns, each holding what belongs together (who: name, address, IP; what to do: the
    # status and its buttons, one under the other): eight side by side overflowed a 1280 px
    # screen beside the admin's menu and the filters, « Modérer », IP and status cut off.
    list_display = ["excerpt_column", "author_column", "article_link", "created_at", "moderation_buttons"]
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

    class Media:
        css = {"all": ["comments/admin/changelist.css"]}

    @admin.display(description=_("commentaire"))
    def excerpt_column(self, comment):
        return _("Commentaire supprimé") if comment.erased_at else comment.excerpt

    @admin.display(description=_("auteur"), ordering="author_name")
    def author_column(self, comment):
        return format_html(
            '<span class="comment-author">{}</span><span class="comment-email">{}</span>{}',
            comment.author_name,
            comment.author_email,
            format_html('<span class="comment-ip">{} {}</span>', _("IP"), comment.ip_address)
            if comment.ip_address
            else "",
        )

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

    @admin.display(description=_("modération"), ordering="status")
    def moderation_buttons(self, comment):
        # The status, then buttons of the changelist's own form (and its CSRF token), sent to our moderation URL.
        buttons = [
            format_html(
                '<button type="submit" class="button" formaction="{}">{}</button>',
                reverse("admin:comments_comment_moderate", args=[comment.pk, slug]),
                label,
            )
            for slug, (status, label) in MODERATION_ACTIONS.items()
            if status != comment.status
        ]
        return format_html(
            '<span class="comment-status">{}</span><span class="comment-buttons">{}</span>',
            comment.get_status_display(),
            format_html(" ".join(["{}"] * len(buttons)), *buttons) if buttons else "—",
        )

    def get_urls(self):
        def view(function, *, post_only=False):
            # The moderators' views take this admin: its site's context, its messages, its permission.
            function = partial(function, model_admin=self)
            return self.admin_site.admin_view(require_POST(function) if post_only else function)

        return [
            path("bureau/", view(desk_views.desk_page), name="comments_comment_desk"),
            path("bureau/decider/", view(desk_views.desk_decide, post_only=True), name="comments_comment_desk_decide"),
            path("bureau/annuler/", view(desk_views.desk_undo, post_only=True), name="comments_comment_desk_undo"),
            path(
                "<int:object_id>/moderer/<slug:action>/",
                view(desk_views.moderate, post_only=True),
                name="comments_comment_moderate",
            ),
            # A person's data request moved to the admin's own page, for comments and subscriptions
            # alike (newsroom/personal_data_views.py): the old address, bookmarked by moderators, leads there.
            path(
                "donnees-personnelles/",
                self.admin_site.admin_view(RedirectView.as_view(pattern_name="admin:personal_data", permanent=True)),
                name="comments_comment_personal_data",
            ),
            *super().get_urls(),
        ]

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
