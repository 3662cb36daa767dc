"""The search form: what readers type and the two filters, cleaned so that no input can fail."""

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Territory
from articles.navigation import menu_sections

from .text import MAX_QUERY_LENGTH, clean_query

# Territories offered in the filter: the large ones. A commune is offered when asked
# for (from its page, or a shared link), so that the list stays short in a région of
# thousands of communes.
LISTED_KINDS = [Territory.Kind.REGION, Territory.Kind.DEPARTEMENT, Territory.Kind.GROUPING]
KIND_GROUPS = [
    (Territory.Kind.REGION, gettext_lazy("Régions")),
    (Territory.Kind.DEPARTEMENT, gettext_lazy("Départements")),
    (Territory.Kind.GROUPING, gettext_lazy("Intercommunalités et aires")),
    (Territory.Kind.COMMUNE, gettext_lazy("Communes")),
]


SLUG = re.compile(r"[-a-zA-Z0-9_]{1,150}")


def _shown(value: str, length: int = 60) -> str:
    """An unknown filter value, as we may quote it back to the reader."""
    text, cut = clean_query(value)
    return text[:length] + ("…" if cut or len(text) > length else "")


class SearchForm(forms.Form):
    """GET form of the search page. Unknown filters are dropped with a notice, never an error.

    After ``is_valid()``: ``query`` (cleaned text), ``section`` and ``territory``
    (objects or None), ``notices`` (French sentences for the reader).
    """

    q = forms.CharField(
        label=gettext_lazy("Mots recherchés"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    rubrique = forms.ChoiceField(label=gettext_lazy("Rubrique"), required=False)
    territoire = forms.ChoiceField(label=gettext_lazy("Territoire"), required=False)

    def __init__(self, data, **kwargs):
        self.notices = []
        data = data.copy()
        query, cut = clean_query(data.get("q"))
        data["q"] = query
        if cut:
            self.notices.append(
                _("Votre recherche était trop longue : seuls ses %(count)s premiers caractères ont été pris en compte.")
                % {"count": MAX_QUERY_LENGTH}
            )

        sections = {section.slug: section for section in menu_sections()}
        wanted_section = data.get("rubrique") or ""
        if wanted_section and wanted_section not in sections:
            self.notices.append(
                _("La rubrique « %(slug)s » n’existe pas : la recherche porte sur toutes les rubriques.")
                % {"slug": _shown(wanted_section)}
            )
            data["rubrique"] = ""

        wanted_territory = data.get("territoire") or ""
        asked = Q(slug=wanted_territory) if SLUG.fullmatch(wanted_territory) else Q()
        # One query: the listed territories, and the one asked for whatever its kind.
        territories = {
            territory.slug: territory
            for territory in Territory.objects.filter(Q(kind__in=LISTED_KINDS) | asked)
            .only("name", "slug", "kind")
            .order_by("name")
        }
        if wanted_territory and wanted_territory not in territories:
            self.notices.append(
                _("Le territoire « %(slug)s » n’existe pas : la recherche porte sur tous les territoires.")
                % {"slug": _shown(wanted_territory)}
            )
            data["territoire"] = ""

        super().__init__(data, **kwargs)
        self.sections = sections
        self.territories = territories
        self.fields["rubrique"].choices = [("", _("Toutes les rubriques"))] + [
            (slug, section.name) for slug, section in sections.items()
        ]
        self.fields["territoire"].choices = [("", _("Tous les territoires"))] + [
            (label, [(t.slug, t.name) for t in territories.values() if t.kind == kind])
            for kind, label in KIND_GROUPS
            if any(t.kind == kind for t in territories.values())
        ]

    @property
    def query(self) -> str:
        return self.cleaned_data.get("q", "")

    @property
    def section(self):
        return self.sections.get(self.cleaned_data.get("rubrique") or "")

    @property
    def territory(self):
        return self.territories.get(self.cleaned_data.get("territoire") or "")
