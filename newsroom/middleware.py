"""Refuse early, with the French 400 page, what no page of the site accepts and PostgreSQL would turn into a 500."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http.request import split_domain_port
from django.middleware import csp
from django.shortcuts import render
from django.urls import reverse
from django.utils.csp import CSP, build_policy

from common.inputs import plain_number

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def refused(request):
    return render(request, "400.html", status=400)


class UnreadableInputMiddleware:
    """On staff pages, a NUL character in the query string (the image picker's or the admin's ``?q=%00``,
    its ``?status__exact=%00``, its autocomplete's ``?term=%00``) or a bulk action on ids that are not
    ids (``_selected_action=abc``): PostgreSQL refuses both with an error the admin does not expect.

    Reader pages read their few parameters themselves (the search drops control characters, page
    numbers go through ``plain_number``). Form fields are left to the forms, which refuse a NUL next
    to the field and keep what was typed; only addresses and the admin's action checkboxes, which
    nobody types, are checked here.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.staff_prefix = reverse("admin:index")

    def __call__(self, request):
        if not request.path.startswith(self.staff_prefix):
            return self.get_response(request)
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            return refused(request)
        if (
            request.method == "POST"
            and request.content_type in FORM_TYPES
            and any(plain_number(value) is None for value in request.POST.getlist("_selected_action"))
        ):
            return refused(request)
        return self.get_response(request)


class CanonicalHostMiddleware:
    """With ``NEWSROOM_SITE_URL`` set, absolute links name the site by that address, whatever Host was sent.

    Canonical URLs, og:url, JSON-LD, feeds, sitemaps and mails build absolute links from the request's
    host; ALLOWED_HOSTS checks its name but not its port, so ``Host: www.exemple.fr:1`` would reach all of
    them (and a CDN that keys pages by path alone would serve them to everyone). Once the host is known
    to be allowed, a page read (GET, HEAD) gets the configured one; a form sent to the same name gets
    its port corrected, and one sent to another allowed name (an admin host) is left alone, so that
    the CSRF check compares the browser's origin with the host it really used.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.host = urlsplit(settings.CANONICAL_SITE_URL).netloc
        if not self.host:
            raise MiddlewareNotUsed
        self.domain, _port = split_domain_port(self.host)

    def __call__(self, request):
        domain, _port = split_domain_port(request.get_host())  # DisallowedHost (a 400) comes first
        if request.method in ("GET", "HEAD") or domain == self.domain:
            request.META["HTTP_HOST"] = self.host
            request.META.pop("HTTP_X_FORWARDED_HOST", None)
        return self.get_response(request)


class FrenchErrorPagesMiddleware:
    """Django answers a wrong method (405) with an empty page: the site's French one instead, its Allow kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response


# The browser features no page of the site uses, turned off for it and for anything it might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class PermissionsPolicyMiddleware:
    """Says on every response that the site uses no camera, microphone, location, payment…: what a
    script slipped into a page, or a page framing ours, could otherwise ask the reader for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    """Django's CSP middleware, with the staff policy (``STAFF_CSP``, scripts and styles allowed by a
    nonce) under the admin's address and the readers' (``SECURE_CSP``, no nonce) everywhere else.

    Chosen by address rather than by user: a reader page looks the same to staff, and a page kept by the
    page cache must carry the same header whoever asked for it first. A view's own ``csp_override``
    still wins.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self.staff_prefix = reverse("admin:index")
        self._readers_header: tuple[object, str] | None = None

    def process_response(self, request, response):
        if request.path.startswith(self.staff_prefix):
            if not hasattr(response, "_csp_config"):
                response._csp_config = settings.STAFF_CSP
        elif (
            not hasattr(response, "_csp_config")
            and CSP.HEADER_ENFORCE not in response
            and (header := self.readers_header())
        ):
            # The same header on every reader page: built once, not for each answer (it cost about
            # 9 µs of a cached page's, which costs little else).
            response.headers[CSP.HEADER_ENFORCE.value] = header  # a str: wsgiref refuses the enum
        return super().process_response(request, response)

    def readers_header(self) -> str | None:
        """The readers' policy as a header; None when it names a nonce (then built for each answer)."""
        config = settings.SECURE_CSP
        if self._readers_header is None or self._readers_header[0] is not config:
            uses_nonce = any(CSP.NONCE in values for values in (config or {}).values())
            self._readers_header = (config, build_policy(config) if config and not uses_nonce else None)
        return self._readers_header[1]
