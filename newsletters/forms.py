"""The readers' subscription form: French messages next to each field, and a quiet trap for bots."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Subscriber

HONEYPOT = "website"


class SubscribeForm(forms.Form):
    """An address and the lists to join, among those ``lists`` (``caching.OfferedList``) offers.

    The compact forms (footer, end of articles) post one hidden ``lettre``; the full page posts
    ``lettres`` checkboxes. The view reads both as ``lettres``.
    """

    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        max_length=Subscriber._meta.get_field("email").max_length,
        error_messages={
            "required": _("Indiquez l’adresse e-mail à laquelle recevoir la lettre."),
            "invalid": _("Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."),
            "max_length": _("Cette adresse est trop longue (254 caractères au maximum)."),
        },
    )
    lettres = forms.MultipleChoiceField(
        label=_("Les lettres à recevoir"),
        error_messages={
            "required": _("Cochez au moins une lettre."),
            "invalid_choice": _("Cette lettre n’est plus proposée : cochez-en une parmi celles-ci."),
        },
    )
    # The honeypot: out of sight (CSS) and out of the accessibility tree, filled in by naive bots.
    website = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)

    def __init__(self, *args, lists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lists = lists
        self.fields["lettres"].choices = [(item.slug, item.name) for item in lists]

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))

    def ticked(self) -> set[str]:
        """The lists to show ticked: those the reader sent, valid or not, so that nothing is lost."""
        return set(self.data.getlist("lettres")) if self.is_bound else set()
