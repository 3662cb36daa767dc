"""The moderators' desk: a queue of waiting comments, one-click decisions, personal-data requests."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from common.admin_titles import FrenchTitlesMixin, Names

from .models import BlockedTerm, Comment
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


class PersonalDataForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail de l’auteur"))
    confirm_erase = forms.BooleanField(
        label=_("Je confirme l’effacement définitif de tous les commentaires de cette adresse"), required=False
    )


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
    list_filter = [StatusFilter, ("article", admin.RelatedOnlyFieldListFilter)]
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
        "moderated_by",
        "moderated_at",
        "erased_at",
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


@admin.register(BlockedTerm)
class BlockedTermAdmin(FrenchTitlesMixin, admin.ModelAdmin):
    names = Names(_("un mot interdit"), _("le mot interdit"))
    list_display = ["term", "created_at"]
    search_fields = ["term"]
