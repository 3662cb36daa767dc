"""A person's data request, answered in one place: what the site keeps for an email address,
exported as one JSON document or erased, for every kind the apps register with
``common.personal_data`` (comments, newsletter subscriptions).

It lives in ``newsroom``, above every app, because it speaks for all of them; the admin site
wires it (``NewsroomAdminSite.get_urls``), which makes it staff only, never cached and
CSRF-protected. Each kind says who may answer for it: a moderator gets the comments, the
« Relation abonnés » role the subscriptions, and the page names what the person using it
cannot reach (docs/personal-data.md).
"""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common import personal_data


class PersonalDataForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail de la personne"))
    confirm_erase = forms.BooleanField(
        label=_("Je confirme l’effacement définitif des données de cette adresse"), required=False
    )


def personal_data_view(request, admin_site):
    """Find (« Chercher »), export (« Exporter (JSON) ») or erase (« Effacer ») one address's data.

    The address is sent by POST only: an address in a query string would stay in the server's logs.
    """
    kinds = personal_data.allowed_kinds(request.user)
    if not kinds:
        raise PermissionDenied
    form = PersonalDataForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if "export" in request.POST:
            document = personal_data.export_all(email, user=request.user)
            response = HttpResponse(
                json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = 'attachment; filename="donnees-personnelles.json"'
            return response
        if "erase" in request.POST:
            if not form.cleaned_data["confirm_erase"]:
                form.add_error("confirm_erase", _("Cochez cette case pour confirmer l’effacement."))
            else:
                erased = personal_data.erase_all(email, user=request.user)
                summary = ", ".join(f"{kind.label} : {erased[kind.name]}" for kind in kinds)
                # Not the address: the message travels through the messages' storage to the next page.
                messages.success(request, _("Données effacées — %(summary)s.") % {"summary": summary})
                return HttpResponseRedirect(reverse("admin:personal_data"))
        else:
            counts = personal_data.count_all(email, user=request.user)
            found = [(kind.label, counts[kind.name]) for kind in kinds]
    context = {
        **admin_site.each_context(request),
        "title": _("Données personnelles : export et effacement"),
        "form": form,
        "kinds": kinds,
        "left_out": personal_data.left_out_kinds(request.user),
        "found": found,
    }
    return TemplateResponse(request, "admin/personal_data.html", context)
