"""The desk's forms: the entry typed on the live's page, and its correction. The rules are the model's."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import clean_entry_body

BODY_HELP = _(
    "Une ligne, un paragraphe. Une ligne qui n’est qu’une adresse (https://…) devient le contenu intégré "
    "(YouTube, X, Bluesky, Instagram…) si les articles savent l’intégrer, un lien sinon. Publiez avec "
    "Ctrl+Entrée (⌘+Entrée sur Mac). Pour une image de la photothèque, collez le HTML de l’éditeur d’article."
)


class EntryBodyField(forms.CharField):
    """The entry's text, cleaned by the article body's rules: what the form keeps is what is stored."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Texte de l’entrée"))
        kwargs.setdefault("required", False)  # emptiness is refused by clean_entry_body, in its words
        super().__init__(strip=False, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return clean_entry_body(value)
        except ValidationError as error:
            raise ValidationError(error.message_dict["body"]) from None


class EntryForm(forms.Form):
    body = EntryBodyField(help_text=BODY_HELP)
    pinned = forms.BooleanField(label=_("Épingler en tête"), required=False)
    key_moment = forms.BooleanField(label=_("Temps fort"), required=False)


class CorrectionForm(forms.Form):
    body = EntryBodyField(label=_("Texte corrigé"))
