"""The addresses a newsletter mail and the confirmation mail carry: absolute, from the configured site address.

A subscriber's links carry its ``key`` (a secret of 43 characters): whoever has the mail may manage
its subscriptions, as with every newsletter. The confirmation link is signed and dated instead, so
that it expires (``NEWSLETTER_CONFIRM_DAYS``).
"""

from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.urls import reverse

from outbox.mail import link

CONFIRM_SALT = "newsletters.confirm"


def confirmation_token(subscriber) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(subscriber.key)


def key_from_confirmation_token(token: str) -> str | None:
    """The subscriber's key if the token is genuine and younger than NEWSLETTER_CONFIRM_DAYS; else None."""
    try:
        return signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            token, max_age=settings.NEWSLETTER_CONFIRM_DAYS * 24 * 3600
        )
    except signing.BadSignature:  # SignatureExpired is one
        return None


def confirm_url(subscriber) -> str:
    return link(reverse("newsletters:confirm", args=[confirmation_token(subscriber)]))


def manage_url(subscriber) -> str:
    return link(reverse("newsletters:manage", args=[subscriber.key]))


def unsubscribe_url(subscriber, edition) -> str:
    """The one-click address of List-Unsubscribe (RFC 8058): a POST there unsubscribes from the edition's list."""
    return link(reverse("newsletters:unsubscribe", args=[subscriber.key, edition.pk]))


def unsubscribe_mailto(subscriber, edition) -> str:
    subject = quote(f"desinscription {subscriber.key} {edition.pk}")
    return f"mailto:{settings.NEWSLETTER_UNSUBSCRIBE_MAILTO}?subject={subject}"
