"""Admin page titles that read right in French: « Ajouter un article », « Modifier l’image ».

Django's French catalogue builds them from the model's name alone (« Ajout de article »,
« Ajout de image »): French needs the article, its gender and its elision, which only a
person can say. Each admin declares them once, as ``names``, and every page title follows.
"""

import json
from dataclasses import dataclass

from django.contrib.admin.helpers import InlineAdminFormSet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Names:
    """A model's name with its articles: ``a`` « un article », ``the`` « l’article »."""

    a: str | Promise
    the: str | Promise


class FrenchTitlesMixin:
    """For a ModelAdmin with a ``names`` declaration: the titles of its add, change and list pages."""

    names: Names | None = None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if self.names is not None:
            if object_id is None:
                title = _("Ajouter %(a)s") % {"a": self.names.a}
            elif request.method == "POST" or self.has_change_permission(request):
                title = _("Modifier %(the)s") % {"the": self.names.the}
            else:
                # Django titles the page « View » when the user may only look: so do we.
                title = _("Consulter %(the)s") % {"the": self.names.the}
            extra_context = {"title": title, **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        if self.names is not None:
            if self.has_change_permission(request):
                title = _("Choisissez %(the)s à modifier") % {"the": self.names.the}
            else:
                title = _("Choisissez %(the)s à consulter") % {"the": self.names.the}
            extra_context = {
                "title": title,
                "add_title": _("Ajouter %(a)s") % {"a": self.names.a},
                **(extra_context or {}),
            }
        return super().changelist_view(request, extra_context)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        wrappers = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for wrapper in wrappers:
            if getattr(wrapper.opts, "names", None) is not None:
                wrapper.__class__ = _NamedInlineFormSet
        return wrappers


class _NamedInlineFormSet(InlineAdminFormSet):
    """An inline whose « add » link reads « Ajouter un rectificatif », not « Ajouter un objet … supplémentaire »."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = str(_("Ajouter %(a)s") % {"a": self.opts.names.a})
        return json.dumps(data)
