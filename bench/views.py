"""The baseline of the HTTP benchmark: the least a Django view can do for a page of a given size."""

from django.http import Http404, HttpResponse

MAX_HELLO_BYTES = 5_000_000
_HELLO = b"<!doctype html><html lang=fr><title>Bonjour</title><p>Bonjour le monde. "


def hello(request, size: int) -> HttpResponse:
    """Exactly ``size`` bytes of HTML, built without template, query or cache."""
    if size > MAX_HELLO_BYTES:
        raise Http404
    body = _HELLO[:size] + b"x" * max(0, size - len(_HELLO))
    return HttpResponse(body, content_type="text/html; charset=utf-8")
