"""The article admin's side of proposals (articles/proposals.py): a journalist's save of a
published article is kept as a proposal, and an editor's page shows what would change, to
publish or refuse it."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import proposals
from .admin_workflow import desk_date
from .history import author_name, compare
from .models import Article, ArticleRevision
from .revisions import Kept, kept_as, tracked_fields


class ProposalDecisionForm(forms.Form):
    remark = forms.CharField(
        label=gettext_lazy("Remarque pour le journaliste"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Obligatoire pour refuser : dites pourquoi. Il la recevra par e-mail."),
    )

    def __init__(self, *args, refusing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.refusing = refusing

    def clean_remark(self):
        remark = self.cleaned_data["remark"].strip()
        if self.refusing and not remark:
            raise forms.ValidationError(_("Dites au journaliste pourquoi ces modifications sont refusées."))
        return remark


class PendingChangesFilter(admin.SimpleListFilter):
    """The list's « Modifications proposées » filter: published articles with changes waiting."""

    title = gettext_lazy("modifications proposées")
    parameter_name = "modifications"

    def lookups(self, request, model_admin):
        return [("en-attente", gettext_lazy("En attente de la rédaction en chef"))]

    def queryset(self, request, queryset):
        if self.value() != "en-attente":
            return queryset
        waiting = ArticleRevision.objects.pending_proposals().filter(article=OuterRef("pk"))
        return queryset.filter(Exists(waiting))


class ProposalAdminMixin:
    """Proposals in ArticleAdmin: the form's state, the saving, and the editors' page."""

    proposal_template = "admin/articles/article/proposal.html"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/proposition/",
                self.admin_site.admin_view(self.proposal_view),
                name="articles_article_proposal",
            ),
            *super().get_urls(),
        ]

    def pending_proposal(self, request, article: Article | None) -> ArticleRevision | None:
        """The proposal waiting on ``article`` (read once per request)."""
        if article is None or article.pk is None:
            return None
        cache = request.__dict__.setdefault("_article_pending_proposal", {})
        if article.pk not in cache:
            cache[article.pk] = ArticleRevision.objects.pending_proposal(article)
        return cache[article.pk]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        proposing = proposals.held_for_editors(request.user, obj)
        shown = self.pending_proposal(request, obj) if proposing else None
        return type(form.__name__, (form,), {"proposing": proposing, "proposal": shown})

    def save_proposal(self, request, form) -> ArticleRevision:
        """Keep what the form holds as a proposal: nothing of the published article changes."""
        article = form.instance
        if form.cleaned_data.get("mark_as_updated"):
            article.updated_at = timezone.now()
        related = {
            name: list(form.cleaned_data[name])
            for name in tracked_fields()
            if kept_as(name) in (Kept.MANY, Kept.NAMES) and name in form.cleaned_data
        }
        for name, suggested in (
            ("territories", "add_suggested_territories"),
            ("personalities", "add_suggested_personalities"),
        ):
            if form.cleaned_data.get(suggested) and name in related:
                related[name] = list(dict.fromkeys([*related[name], *form.cleaned_data[suggested]]))
        proposal = proposals.propose(article, request.user, related, continues=form.proposal)
        request._article_proposal = proposal
        return proposal

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(form, "proposing", False):
            return []  # nothing was saved (its formsets neither): log_change says what happened
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        proposal = getattr(request, "_article_proposal", None)
        if proposal is not None:
            # The admin's « recent actions »: a proposal changed nothing of the article itself.
            message = _("Modifications proposées (version %(number)d)") % {"number": proposal.number}
        return super().log_change(request, obj, message)

    def proposal_response(self, request, article: Article):
        """After a proposal: say where it went; the published article is as it was."""
        self.message_user(
            request,
            _(
                "Vos modifications de « %(title)s » sont enregistrées et attendent la rédaction en chef : "
                "les lecteurs voient toujours la version publiée."
            )
            % {"title": request._article_proposal.content.get("title") or article.title},
            messages.SUCCESS,
        )
        if "_preview" in request.POST:
            return HttpResponseRedirect(reverse("admin:articles_article_proposal", args=[article.pk]))
        if "_continue" in request.POST:
            return HttpResponseRedirect(request.path)
        return self.response_post_save_change(request, article)

    def proposal_context(self, request, article: Article | None) -> dict:
        """What the form says of a waiting proposal: who, when, and where to decide."""
        pending = self.pending_proposal(request, article)
        context = {
            "proposing": proposals.held_for_editors(request.user, article),
            "pending_proposal": pending,
        }
        if pending is not None:
            context.update(
                pending_proposal_by=author_name(pending),
                pending_proposal_is_mine=pending.created_by_id == request.user.pk,
                pending_proposal_when=desk_date(pending.created_at),
                pending_proposal_url=reverse("admin:articles_article_proposal", args=[article.pk]),
            )
        return context

    def proposal_notice(self, request, article: Article) -> dict | None:
        """For an editor with the form open, a journalist's proposal that waits on it: what the
        presence heartbeat brings, so that it is seen before saving (None otherwise)."""
        if proposals.held_for_editors(request.user, article):
            return None  # a journalist's own form says where their proposal stands
        pending = ArticleRevision.objects.pending_proposal(article)
        if pending is None:
            return None
        return {
            "message": _("%(who)s a proposé des modifications le %(when)s : elles attendent votre décision.")
            % {"who": author_name(pending), "when": desk_date(pending.created_at)},
            "url": reverse("admin:articles_article_proposal", args=[article.pk]),
            "link": _("Voir les modifications et décider"),
            "version": pending.number,
        }

    def proposal_view(self, request, object_id):
        """What publishing the waiting proposal would change, and (for editors) the decision."""
        article = self._article_or_404(request, object_id)
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        proposal = ArticleRevision.objects.pending_proposal(article)
        if proposal is None:
            messages.info(request, _("Aucune modification proposée n’attend sur cet article."))
            return HttpResponseRedirect(change_url)
        can_decide = Article.can_publish(request.user) and self.has_change_permission(request, article)
        refusing = "_refuse" in request.POST
        form = ProposalDecisionForm(request.POST or None, refusing=refusing)
        if request.method == "POST":
            if not can_decide:
                raise PermissionDenied
            if form.is_valid():
                return self._decide(request, article, proposal, refusing, form.cleaned_data["remark"], change_url)
        result = proposals.outcome(article, proposal)
        changes, same = compare(result.live, result.content)
        context = self._page_context(request, article, _("Modifications proposées"))
        context.update(
            proposal=proposal,
            proposal_by=author_name(proposal),
            changes=changes,
            same=same,
            kept_since=result.kept_since,
            overridden=result.overridden,
            marks_update=result.marks_update,
            can_decide=can_decide,
            form=form,
            change_url=change_url,
            history_url=reverse("admin:articles_article_history", args=[article.pk]),
        )
        return TemplateResponse(request, self.proposal_template, context)

    def _decide(self, request, article, proposal, refusing: bool, remark: str, change_url: str):
        try:
            if refusing:
                proposals.refuse(article, proposal, request.user, remark)
            else:
                _version, notes = proposals.publish(article, proposal, request.user)
        except proposals.ProposalGone:
            messages.warning(
                request, _("Ces modifications ont déjà été traitées, ou remplacées par d’autres : rien n’a changé.")
            )
            return HttpResponseRedirect(change_url)
        who = author_name(proposal)
        if refusing:
            messages.success(request, _("Modifications refusées : %(who)s reçoit votre remarque.") % {"who": who})
        else:
            messages.success(
                request,
                _("Les modifications de %(who)s sont publiées : les lecteurs les voient.") % {"who": who},
            )
            for note in notes:
                messages.warning(request, note)
        return HttpResponseRedirect(change_url)
