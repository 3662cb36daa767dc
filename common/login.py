"""Signing in to the admin, throttled: guessing a password takes forever, and the desk can see it was tried.

Wrong passwords are counted in the shared cache (every app server sees them) for the account and for
the address they come from (an IPv6 address as its /64, as the comments' limits do). Past
``LOGIN_FAILURES_PER_ACCOUNT`` for an account, or ``LOGIN_FAILURES_PER_ADDRESS`` from an address,
sign-in is refused — even with the right password — until ``LOGIN_LOCK_SECONDS`` have passed since
the first failure, or an administrator lifts it (the user list's « Débloquer la connexion »). Every
failure and every refusal is logged (logger ``common.login``), with the login and the address.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.ratelimit import client_ip, count_hit, sender

logger = logging.getLogger(__name__)

LOCKED = _(
    "Trop de tentatives de connexion : par sécurité, la connexion est bloquée pendant %(minutes)s minutes "
    "pour ce compte ou depuis cette adresse. Réessayez plus tard, ou demandez à un administrateur de la débloquer."
)


def account_key(username: str) -> str:
    # Hashed: a login may be an email address, and cache keys end up in logs and monitoring.
    return "login:account:" + hashlib.sha256((username or "").strip().casefold().encode()).hexdigest()


def address_key(address: str | None) -> str:
    return "login:address:" + sender(address)


def is_locked(username: str, address: str | None) -> bool:
    failures = cache.get_many([account_key(username), address_key(address)])
    return (failures.get(account_key(username)) or 0) >= settings.LOGIN_FAILURES_PER_ACCOUNT or (
        failures.get(address_key(address)) or 0
    ) >= settings.LOGIN_FAILURES_PER_ADDRESS


def count_failure(username: str, address: str | None) -> None:
    for key in (account_key(username), address_key(address)):
        # The lock lasts LOGIN_LOCK_SECONDS from the first failure counted (a fixed window).
        count_hit(key, settings.LOGIN_LOCK_SECONDS)


def unlock(username: str) -> None:
    """Lift an account's lock (its failures forgotten); addresses unlock with time."""
    cache.delete(account_key(username))


class ThrottledLoginForm(AdminAuthenticationForm):
    """The admin's login form, counting wrong passwords and refusing sign-in past the limits."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_ip(self.request) if self.request is not None else None
        try:
            locked = is_locked(username, address)
        except Exception:  # the cache down: sign-in goes on, unthrottled, rather than nobody signing in
            logger.exception("Login throttle unavailable")
            return super().clean()
        if locked:
            logger.warning("Sign-in refused (too many failures): login %r from %s", username, address)
            raise ValidationError(LOCKED, code="throttled", params={"minutes": settings.LOGIN_LOCK_SECONDS // 60})
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if getattr(error, "code", None) == "invalid_login":
                count_failure(username, address)
                logger.warning("Sign-in failed: login %r from %s", username, address)
            raise
        unlock(username)  # a right password forgets the account's earlier failures
        return cleaned
