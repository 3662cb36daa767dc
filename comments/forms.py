"""The reader's comment form: French messages next to each field, and quiet traps for bots."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from common.text import single_line

from .models import Comment, CommentReport
from .rendering import comment_form_renderer


class WebsiteField(forms.URLField):
    """A link to the commenter's site: web addresses only, never javascript: or data:."""

    default_validators = [URLValidator(schemes=["http", "https"])]
    default_error_messages = {"invalid": _("Saisissez une adresse web valide, commençant par https://.")}


class ErrorsNamedByFieldMixin:
    """Screen readers announce each error with its field (``aria-describedby`` the error and the help)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                described_by = [f"{self[name].auto_id}_erreur"]
                if self.fields[name].help_text:
                    described_by.append(f"{self[name].auto_id}_helptext")
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": " ".join(described_by)}
                )


def grouped(number: int) -> str:
    """« 5 000 », as French writes numbers (the locale's thousands separator)."""
    return number_format(number, force_grouping=True)


def at_most(limit: int):
    """Refuse a text longer than ``limit`` characters, saying by how much in French numbers."""

    def check(value):
        if len(value) > limit:
            raise ValidationError(
                _("%(limit)s caractères au maximum (vous en avez écrit %(written)s) : raccourcissez le texte.")
                % {"limit": grouped(limit), "written": grouped(len(value))},
                code="max_length",
            )

    return check


class CommentForm(ErrorsNamedByFieldMixin, forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=80, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Ne sera pas publiée."),
        error_messages={"invalid": _("Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    url = WebsiteField(
        label=_("Site web"),
        max_length=200,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    body = forms.CharField(label=_("Commentaire"), widget=forms.Textarea(attrs={"rows": 6}))
    remember = forms.BooleanField(
        label=_("Enregistrer mon nom et mon e-mail dans ce navigateur pour mon prochain commentaire."),
        required=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people (CSS and aria-hidden), filled in by naive bots.
    website = forms.CharField(
        label=_("Ne pas remplir ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    error_css_class = "has-error"
    required_css_class = "required"
    default_renderer = comment_form_renderer

    def __init__(self, *args, article, **kwargs):
        self.article = article
        super().__init__(*args, **kwargs)
        # No maxlength attribute: a browser would silently cut a pasted text; the server explains instead.
        self.fields["body"].validators.append(at_most(settings.COMMENTS_MAX_LENGTH))
        self.fields["body"].help_text = _("%(max)s caractères au maximum. Le HTML n’est pas interprété.") % {
            "max": grouped(settings.COMMENTS_MAX_LENGTH)
        }

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))

    @property
    def token_sent(self) -> str:
        """The signed timestamp the form came back with, before any validation (``CommentPolicy``)."""
        return self.data.get(self.add_prefix("token"), "")

    def clean_name(self):
        # A name is one line wherever it goes (the page, the moderators' mail, the desk).
        return single_line(self.cleaned_data["name"])

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if not parent_id:
            return None
        parent = Comment.objects.filter(pk=parent_id, article=self.article).first()
        if parent is None or not parent.accepts_replies:
            raise forms.ValidationError(
                _(
                    "Ce commentaire n’accepte pas de réponse. Envoyez à nouveau votre texte : "
                    "il sera publié comme un nouveau commentaire."
                )
            )
        return parent

    def build_comment(self, ip_address) -> Comment:
        data = self.cleaned_data
        return Comment(
            article=self.article,
            parent=data["parent"],
            author_name=data["name"],
            author_email=data["email"],
            author_url=data["url"],
            body=data["body"],
            ip_address=ip_address,
        )


REPORT_DETAILS_MAX_LENGTH = 500


class ReportForm(ErrorsNamedByFieldMixin, forms.Form):
    """A reader's report of a published comment: a reason, and some words when it is « Autre »."""

    reason = forms.ChoiceField(
        label=_("Motif du signalement"),
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choisissez un motif."),
            "invalid_choice": _("Choisissez un des motifs proposés."),
        },
    )
    details = forms.CharField(
        label=_("Précisions"),
        required=False,
        help_text=_("Obligatoires pour « Autre » ; 500 caractères au maximum."),
        widget=forms.Textarea(attrs={"rows": 3}),
        # No maxlength attribute, as on the comment form: the server explains rather than cuts.
        validators=[
            MaxLengthValidator(
                REPORT_DETAILS_MAX_LENGTH,
                message=_("%(limit_value)d caractères au maximum (vous en avez écrit %(show_value)d)."),
            )
        ],
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    error_css_class = "has-error"
    required_css_class = "required"
    default_renderer = comment_form_renderer

    def clean(self):
        data = super().clean()
        if data.get("reason") == CommentReport.Reason.OTHER and not data.get("details", "").strip():
            self.add_error("details", _("Dites-nous en quelques mots ce qui pose problème."))
        return data

    @property
    def token_sent(self) -> str:
        return self.data.get(self.add_prefix("token"), "")
