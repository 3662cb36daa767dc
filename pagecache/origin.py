"""Refusing cross-site form posts without a per-visitor CSRF cookie.

A page kept in a shared cache is the same for every reader, so a form on it cannot
carry a token tied to one browser, and Django's CSRF cookie would make every page
personal (``Set-Cookie``, ``Vary: Cookie``). Browsers say where a request comes from:
every current browser sends ``Origin`` with a POST, and ``Sec-Fetch-Site`` too; a
forged cross-site post carries the attacker's origin in both. A request with neither
does not come from a browser page (a script, a very old browser) and so cannot carry
a visitor's cookies on someone else's behalf: it is judged by the form's other checks.
"""

from django.conf import settings
from django.core.exceptions import DisallowedHost


def cross_site(request) -> bool:
    """Whether this POST was sent by a page of another site."""
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        try:
            own = f"{request.scheme}://{request.get_host()}"
        except DisallowedHost:
            return True
        return origin not in {own, *settings.CSRF_TRUSTED_ORIGINS}
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    return fetch_site is not None and fetch_site != "same-origin"
