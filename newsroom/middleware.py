"""Refuse early, with the French 400 page, what no page of the site accepts and PostgreSQL would turn into a 500."""

from django.shortcuts import render

from common.inputs import plain_number

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def refused(request):
    return render(request, "400.html", status=400)


class UnreadableInputMiddleware:
    """A NUL character in the query string (``?q=%00``, the admin's ``?status__exact=%00`` or its
    autocomplete's ``?term=%00``), or an admin bulk action on ids that are not ids
    (``_selected_action=abc``): PostgreSQL refuses both with an error the views do not expect.

    Form fields are left to the forms, which refuse a NUL with a message next to the field and keep
    what was typed; only addresses and the admin's action checkboxes, which nobody types, are checked here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            return refused(request)
        if (
            request.method == "POST"
            and request.content_type in FORM_TYPES
            and any(plain_number(value) is None for value in request.POST.getlist("_selected_action"))
        ):
            return refused(request)
        return self.get_response(request)
