"""The desk's workflow in the article form: one button per step instead of a status menu.

Journalists save and submit to the « Rédaction en chef »; editors publish, schedule, send an
article back with a remark, or unpublish it. Each step is declared once (``STEPS``): its
button, who may take it, from which state, and the model's operation it calls
(``Article.publish``, ``schedule``, ``send_back``…), which sets the status and records the
version that emails the people concerned (``articles.notifications``). The form checks the step
and the operation's rules before saving, to show them next to their field (a forged button or
status changes nothing: the status is not a field of the form, and the operation refuses again).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import Article, ArticleRevision
from .people import public_name, staff_name
from .templatetags.newsroom import french_date
from .typography import clock

Status = Article.Status
# Longer titles are cut in the list, which must fit a laptop's screen (the whole title shows on hover).
TITLE_CHARS = 70
Action = ArticleRevision.Action


def _is_new_or(*statuses: str) -> Callable[[Article | None], bool]:
    return lambda article: article is None or article.status in statuses


def _not_public(article: Article | None) -> bool:
    return article is None or not article.is_visible


@dataclass(frozen=True)
class Step:
    """One button of the article form and what it does."""

    button: str  # the submit button's name in the POST
    label: Promise
    action: str  # the version it records (ArticleRevision.Action), which notifies
    editors_only: bool  # needs « publish_article »
    offered_from: Callable[[Article | None], bool]  # the stored article (None: not saved yet)
    done: Promise  # the message once taken
    # The model's operation, called once the form's content and relations are saved: the
    # article, who takes the step, and the form's remark (read by « Renvoyer » only).
    take: Callable[[Article, object, str], ArticleRevision]

    def offered(self, article: Article | None, can_publish: bool) -> bool:
        if self.editors_only and not can_publish:
            return False
        # Editors publish their own articles: submitting is the journalists' step.
        if self.action == Action.SUBMITTED and can_publish:
            return False
        return self.offered_from(article)


STEPS = [
    Step(
        "_submit",
        _("Soumettre à la rédaction en chef"),
        Action.SUBMITTED,
        editors_only=False,
        offered_from=_is_new_or(Status.DRAFT),
        done=_("« %(title)s » est soumis à la rédaction en chef."),
        take=lambda article, by, remark: article.submit_for_review(by=by),
    ),
    Step(
        "_publish",
        _("Publier"),
        Action.PUBLISHED,
        editors_only=True,
        offered_from=_not_public,
        done=_("« %(title)s » est publié."),
        take=lambda article, by, remark: article.publish(by=by),
    ),
    Step(
        "_schedule",
        _("Programmer"),
        Action.SCHEDULED,
        editors_only=True,
        offered_from=_not_public,
        done=_("« %(title)s » est programmé."),
        # At the date the form just saved (checked by DeskFormMixin.clean).
        take=lambda article, by, remark: article.schedule(by=by, at=article.published_at),
    ),
    Step(
        "_send_back",
        _("Renvoyer au journaliste"),
        Action.SENT_BACK,
        editors_only=True,
        offered_from=lambda article: article is not None and article.status == Status.SUBMITTED,
        done=_("« %(title)s » est renvoyé au journaliste avec votre remarque."),
        take=lambda article, by, remark: article.send_back(by=by, remark=remark),
    ),
    Step(
        "_unpublish",
        _("Dépublier"),
        Action.UNPUBLISHED,
        editors_only=True,
        offered_from=lambda article: article is not None and article.status == Status.PUBLISHED,
        done=_("« %(title)s » est dépublié : les lecteurs ne le voient plus."),
        take=lambda article, by, remark: article.unpublish(by=by),
    ),
]
STEPS_BY_BUTTON = {step.button: step for step in STEPS}
# The versions that say where an article stands in the workflow (a plain save does not).
WORKFLOW_ACTIONS = [step.action for step in STEPS]


def requested_step(request) -> Step | None:
    """The step whose button was pressed; None for a plain save (or a GET)."""
    if request.method != "POST":
        return None
    return next((step for step in STEPS if step.button in request.POST), None)


def desk_date(value) -> str:
    """« 2 décembre à 8 h », « 2 décembre 2027 à 8 h 30 »: the year only when it is not this one."""
    local = timezone.localtime(value)
    date = french_date(local)
    if local.year == timezone.localtime().year:
        date = date.removesuffix(f" {local.year}")
    return gettext("%(date)s à %(hour)s") % {
        "date": date,
        "hour": clock(local.hour, local.minute, whole_hours_short=True),
    }


def status_text(article: Article) -> str:
    """The article's status as the desk says it: « Programmé (2 décembre à 8 h) » rather than « Publié »."""
    if article.is_scheduled:
        return gettext("Programmé (%(date)s)") % {"date": desk_date(article.published_at)}
    return article.get_status_display()


def latest_workflow_versions():
    """Per article (``OuterRef("pk")``), the action of its latest workflow version: for annotations."""
    return (
        ArticleRevision.objects.filter(article=OuterRef("pk"), action__in=WORKFLOW_ACTIONS)
        .order_by("-number")
        .values("action")[:1]
    )


def awaiting_review():
    """The submitted articles, the longest waiting first, with ``submitted_at``: when they were last
    submitted (an article made without that version counts from its creation)."""
    submitted = (
        ArticleRevision.objects.filter(article=OuterRef("pk"), action=Action.SUBMITTED)
        .order_by("-number")
        .values("created_at")[:1]
    )
    return (
        Article.objects.filter(status=Status.SUBMITTED)
        .annotate(submitted_at=Coalesce(Subquery(submitted), "created_at"))
        .order_by("submitted_at", "pk")
    )


def waiting_since(moment, now=None) -> str:
    """« depuis 5 min », « depuis 3 h », « depuis 2 jours »: how long something has waited for the desk
    (no-break spaces, as in every time the desk shows)."""
    minutes = int(((now or timezone.now()) - moment).total_seconds() // 60)
    if minutes < 1:
        return gettext("depuis un instant")
    if minutes < 60:
        return gettext("depuis %(minutes)d\u00a0min") % {"minutes": minutes}
    if minutes < 24 * 60:
        return gettext("depuis %(hours)d\u00a0h") % {"hours": minutes // 60}
    days = minutes // (24 * 60)
    return ngettext("depuis %(count)d\u00a0jour", "depuis %(count)d\u00a0jours", days) % {"count": days}


def sent_back_to(user):
    """The drafts of ``user`` an editor sent back, and that wait for them."""
    return (
        Article.objects.filter(authors=user, status=Status.DRAFT)
        .annotate(last_step=Subquery(latest_workflow_versions()))
        .filter(last_step=Action.SENT_BACK)
    )


class AuthorFilter(admin.RelatedFieldListFilter):
    """The list's « Par auteurs » filter, signers only, by name (by login for who has none: two
    « La rédaction » could not be told apart)."""

    def field_choices(self, field, request, model_admin):
        # EXISTS per person (a few dozen index probes), not a DISTINCT over every article's authors.
        signed = Article.authors.through.objects.filter(user_id=OuterRef("pk"))
        signers = get_user_model().objects.filter(Exists(signed)).order_by("last_name", "first_name")
        return [(person.pk, staff_name(person)) for person in signers]


class FeaturedFilter(admin.BooleanFieldListFilter):
    """« Par mise à la une » rather than « Par à la une »."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("mise à la une")


class DeskFormMixin(forms.Form):
    """The article form's side of the workflow: the remark, and the checks of the button pressed."""

    review_remark = forms.CharField(
        label=_("Remarque pour le journaliste"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obligatoire pour renvoyer l’article : dites ce qu’il faut reprendre. Il la recevra par e-mail."),
    )

    # Set per request by DeskWorkflowMixin.get_form.
    desk_step: Step | None = None
    current_user = None

    def clean(self):
        cleaned_data = super().clean()
        step = self.desk_step
        if step is None:
            return cleaned_data
        stored = self.instance if self.instance.pk else None
        if step.editors_only and not Article.can_publish(self.current_user):
            raise forms.ValidationError(
                _("Seule la rédaction en chef peut publier, programmer, renvoyer ou dépublier un article."),
                code="editors_only",
            )
        if not step.offered_from(stored):
            raise forms.ValidationError(
                _("« %(step)s » ne s’applique pas à un article au statut « %(status)s ».")
                % {"step": step.label, "status": status_text(stored) if stored else Status.DRAFT.label},
                code="not_offered",
            )
        date = cleaned_data.get("published_at")
        has_date_field = "published_at" in self.fields and "published_at" not in self.errors
        if step.action == Action.PUBLISHED and has_date_field and date and date > timezone.now():
            self.add_error(
                "published_at",
                _(
                    "Cette date est à venir : cliquez sur « Programmer » pour publier l’article à cette date, "
                    "ou videz-la pour le publier maintenant."
                ),
            )
        # The operations' own rules, checked now to show them next to their field.
        if step.action == Action.SCHEDULED and has_date_field:
            self._model_rule(Article.check_schedule_date, date, {"published_at": "published_at"})
        if step.action == Action.SENT_BACK:
            self._model_rule(
                Article.check_send_back_remark, cleaned_data.get("review_remark", ""), {"remark": "review_remark"}
            )
        return cleaned_data

    def _model_rule(self, check: Callable, value, fields: dict[str, str]) -> None:
        """Run one of the model's checks; its errors go to this form's fields (model field → form field)."""
        try:
            check(value)
        except forms.ValidationError as error:
            for name, errors in error.message_dict.items():
                self.add_error(fields.get(name), errors)


class DeskWorkflowMixin:
    """The article admin's side of the workflow: buttons, status shown, remark, list column, messages."""

    @property
    def media(self):
        # The buttons' colours; labels for the autocomplete boxes and the editor (desk.js).
        return super().media + forms.Media(css={"all": ["articles/admin/desk.css"]}, js=["articles/admin/desk.js"])

    # What the form shows -----------------------------------------------------------------

    @staticmethod
    def pending_remark(article: Article | None) -> ArticleRevision | None:
        """The version that sent the article back, while the draft waits for its journalist."""
        if article is None or article.pk is None or article.status != Status.DRAFT:
            return None
        version = (
            ArticleRevision.objects.filter(article=article, action__in=WORKFLOW_ACTIONS)
            .select_related("created_by")
            .defer("content", "changed_fields")  # only the remark is read, not the whole text
            .first()
        )
        return version if version is not None and version.action == Action.SENT_BACK else None

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "workflow_status", "review_notice"]

    def desk_fieldsets(self, request, obj, fieldsets) -> list:
        """The form's fieldsets with the workflow's: the remark sent back first, the one to send last."""
        fieldsets = list(fieldsets)
        if obj is not None:
            if not hasattr(obj, "_desk_pending_remark"):
                # Read once per request; the read-only field below shows it.
                obj._desk_pending_remark = self.pending_remark(obj)
            if obj._desk_pending_remark is not None:
                # The first thing the journalist reads when opening the article again.
                fieldsets.insert(0, (_("Renvoyé par la rédaction en chef"), {"fields": ["review_notice"]}))
        send_back = STEPS_BY_BUTTON["_send_back"]
        if send_back.offered(obj, Article.can_publish(request.user)):
            # Last, just above the buttons, where « Renvoyer au journaliste » is.
            fieldsets.append((_("Relecture"), {"fields": ["review_remark"], "classes": ["desk-review"]}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"desk_step": requested_step(request), "current_user": request.user})

    @admin.display(description=_("statut"))
    def workflow_status(self, article):
        if article is None or article.pk is None:
            return _("Brouillon, pas encore enregistré")
        if article.is_scheduled:
            return gettext("Programmé le %(date)s") % {"date": desk_date(article.published_at)}
        if article.is_visible:
            return gettext("Publié le %(date)s") % {"date": desk_date(article.published_at)}
        return article.get_status_display()

    @admin.display(description=_("remarque"))
    def review_notice(self, article):
        version = getattr(article, "_desk_pending_remark", None)
        if version is None:
            return ""
        who = public_name(version.created_by, missing=gettext("La rédaction en chef"))
        return format_html(
            '<div class="desk-remark"><p>{}</p><blockquote>{}</blockquote></div>',
            gettext("%(who)s vous a renvoyé l’article le %(date)s :")
            % {"who": who, "date": desk_date(version.created_at)},
            linebreaksbr(version.remark, autoescape=True),
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        can_publish = Article.can_publish(request.user)
        context["desk_steps"] = [step for step in STEPS if step.offered(obj, can_publish)]
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Saving -------------------------------------------------------------------------------

    def take_step_or_record(self, request, form, article) -> None:
        """Once the form's content and relations are saved: the button's step, through the model's
        operation (which sets the status and records its version), or for a plain save a version
        « Enregistré ». Either way one version per save of the form."""
        step = requested_step(request)
        if step is None:
            ArticleRevision.objects.record(article, request.user, Action.SAVED)
            return
        # The form has checked the step and its rules (DeskFormMixin.clean); the operation checks them again.
        step.take(article, request.user, form.cleaned_data.get("review_remark", ""))

    def _after_step(self, request, obj, response):
        step = requested_step(request)
        if step is not None and response.status_code == 302 and "_preview" not in request.POST:
            self.message_user(request, step.done % {"title": obj.title}, messages.SUCCESS)
        return response

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_step(request, obj, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._after_step(request, obj, super().response_change(request, obj))

    # The list ---------------------------------------------------------------------------------

    @admin.display(description=_("titre"), ordering="title")
    def title_column(self, article):
        short = Truncator(article.title).chars(TITLE_CHARS)
        if short == article.title:
            return article.title
        # The whole title on hover and for screen readers' « title » announcements.
        return format_html('<span title="{}">{}</span>', article.title, short)

    @admin.display(description=_("statut"), ordering="published_at")
    def status_column(self, article):
        if article.is_visible:
            text = gettext("Publié le %(date)s") % {"date": desk_date(article.published_at)}
        else:
            text = status_text(article)
        if article.is_featured:
            text = gettext("%(status)s · à la une") % {"status": text}
        return text

    def changelist_view(self, request, extra_context=None):
        # The list needs the page's width at 1280 px, next to its filters: the breadcrumbs and
        # the front page still lead everywhere the navigation sidebar does.
        return super().changelist_view(request, {"is_nav_sidebar_enabled": False, **(extra_context or {})})
