"""Subscribing and unsubscribing: double opt-in, the consent kept as proof, nothing that tells an address apart.

A request (``request_subscription``) writes PENDING subscriptions with the consent text the reader
was shown and mails a confirmation link; the link (``confirm``) makes them ACTIVE. Whatever the
address's state — new, waiting, subscribed, unsubscribed earlier — the reader's page is the same:
only the mail, which reaches the address's owner alone, says what was already so. An address is
mailed a confirmation at most once per ``RESEND_SECONDS``, so that the form cannot flood a mailbox.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outbox.mail import send

from .links import confirm_url, manage_url
from .models import Delivery, Subscriber, Subscription

# An address is mailed no second confirmation within this time (a double click, a bot, a prank).
RESEND_SECONDS = 10 * 60
# Subscription requests one sender (an IPv4 address, an IPv6 /64) may make in a window: a newsroom's
# readers behind one office connection stay well below it, a script filling the form does not.
SENDER_LIMIT = 20
SENDER_WINDOW_SECONDS = 10 * 60
CONFIRMATION_KIND = "newsletter_confirmation"


def consent_text(list_name: str | None = None) -> str:
    """The sentence the forms show next to their button, stored as shown with each subscription.

    ``list_name``: a compact form offering one list names it; the full form speaks of the lists ticked.
    """
    if list_name:
        first = _("En vous inscrivant, vous acceptez de recevoir « %(name)s » par courriel, et rien d’autre.") % {
            "name": list_name
        }
    else:
        first = _("En vous inscrivant, vous acceptez de recevoir les lettres cochées par courriel, et rien d’autre.")
    return f"{first} {_('Chaque envoi permet de se désinscrire en un clic.')}"


def manage_consent_text() -> str:
    """The sentence of the manage page, where a reader who received our mail ticks more lists."""
    return _(
        "En cochant une lettre, vous acceptez de la recevoir par courriel à l’adresse qui a reçu ce lien. "
        "Chaque envoi contient un lien de désinscription."
    )


def _subscriber_for(email: str) -> Subscriber:
    # Two requests for a new address at once: the unique email decides, the second finds the first.
    try:
        with transaction.atomic():
            return Subscriber.objects.by_email(email).get_or_create(email=email)[0]
    except IntegrityError:
        return Subscriber.objects.by_email(email).get()


def request_subscription(email: str, newsletters, text: str, now=None) -> Subscriber:
    """Ask for ``email`` to join ``newsletters``, with the consent ``text`` the reader was shown.

    A list the address is on already is left as it is (the mail says so); any other waits for
    confirmation, with this request's text and date. The confirmation mail is recorded in the
    outbox unless one went to the address less than ``RESEND_SECONDS`` ago (its link confirms
    what waits now too).
    """
    now = now or timezone.now()
    with transaction.atomic():
        subscriber = _subscriber_for(email)
        existing = {sub.newsletter_id: sub for sub in subscriber.subscriptions.filter(newsletter__in=newsletters)}
        for newsletter in newsletters:
            subscription = existing.get(newsletter.pk)
            if subscription is None:
                Subscription.objects.create(
                    subscriber=subscriber, newsletter=newsletter, consent_text=text, requested_at=now
                )
            elif subscription.status != Subscription.Status.ACTIVE:
                # Waiting again: the new request's text and date. An earlier unsubscription's date and
                # reason stay, and come back if this request is never confirmed (delete_expired).
                subscription.status = Subscription.Status.PENDING
                subscription.consent_text = text
                subscription.requested_at = now
                subscription.save(update_fields=["status", "consent_text", "requested_at"])
        # Claimed in one statement: of two requests racing, one mails.
        may_mail = (
            Subscriber.objects.filter(pk=subscriber.pk)
            .filter(
                Q(confirmation_sent_at__isnull=True)
                | Q(confirmation_sent_at__lte=now - timedelta(seconds=RESEND_SECONDS))
            )
            .update(confirmation_sent_at=now)
        )
        if may_mail:
            send_confirmation(subscriber)
    return subscriber


def send_confirmation(subscriber: Subscriber) -> None:
    """The mail that asks to confirm what waits, and tells what the address already receives."""
    subscriptions = list(
        subscriber.subscriptions.exclude(status=Subscription.Status.UNSUBSCRIBED).select_related("newsletter")
    )
    waiting = [sub.newsletter.name for sub in subscriptions if sub.status == Subscription.Status.PENDING]
    active = [sub.newsletter.name for sub in subscriptions if sub.status == Subscription.Status.ACTIVE]
    context = {
        "site_name": settings.SITE_NAME,
        "waiting": waiting,
        "active": active,
        "confirm_url": confirm_url(subscriber) if waiting else "",
        "manage_url": manage_url(subscriber) if active else "",
        "days": settings.NEWSLETTER_CONFIRM_DAYS,
    }
    if waiting:
        subject = ngettext(
            "Confirmez votre inscription à « %(names)s »",
            "Confirmez votre inscription à nos lettres",
            len(waiting),
        ) % {"names": waiting[0]}
    else:
        subject = _("Vos lettres de %(site)s") % {"site": settings.SITE_NAME}
    send(
        [subscriber.email],
        subject,
        render_to_string("newsletters/mail/confirmation.txt", context),
        html_body=render_to_string("newsletters/mail/confirmation.html", context),
        kind=CONFIRMATION_KIND,
        from_email=settings.NEWSLETTER_FROM_EMAIL,
    )


def _confirmable(subscriber: Subscriber, now):
    window_start = now - timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS)
    return subscriber.subscriptions.pending().filter(requested_at__gt=window_start)


def waiting_lists(subscriber: Subscriber, now=None) -> list:
    """The lists a confirmation would start now, for the confirm page to name them."""
    return [sub.newsletter for sub in _confirmable(subscriber, now or timezone.now()).select_related("newsletter")]


def confirm(subscriber: Subscriber, now=None) -> int:
    """Start every subscription of ``subscriber`` that waits for confirmation; how many started."""
    now = now or timezone.now()
    with transaction.atomic():
        started = _confirmable(subscriber, now).update(
            status=Subscription.Status.ACTIVE, confirmed_at=now, unsubscribed_at=None, unsubscribe_reason=""
        )
        if started:
            Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(confirmed_at=now)
    return started


def choose_lists(subscriber: Subscriber, offered, wanted_slugs: set[str], now=None) -> None:
    """The manage page's choices: of the ``offered`` lists, those in ``wanted_slugs`` on, the others off.

    Whoever holds the subscriber's key got it in a mail to the address: a list ticked here starts at
    once, with the manage page's consent text as its proof.
    """
    now = now or timezone.now()
    current = {sub.newsletter_id: sub for sub in subscriber.subscriptions.filter(newsletter__in=offered)}
    with transaction.atomic():
        for newsletter in offered:
            subscription = current.get(newsletter.pk)
            if newsletter.slug in wanted_slugs:
                if subscription is None:
                    subscription = Subscription(subscriber=subscriber, newsletter=newsletter)
                elif subscription.status == Subscription.Status.ACTIVE:
                    continue
                subscription.status = Subscription.Status.ACTIVE
                subscription.consent_text = manage_consent_text()
                subscription.requested_at = subscription.confirmed_at = now
                subscription.unsubscribed_at, subscription.unsubscribe_reason = None, ""
                subscription.save()
                Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(confirmed_at=now)
            elif subscription is not None and subscription.status != Subscription.Status.UNSUBSCRIBED:
                unsubscribe(subscriber, newsletter, reason=Subscription.Reason.READER)


def unsubscribe(subscriber, newsletter=None, *, reason: str, edition=None) -> int:
    """Take ``subscriber`` off ``newsletter`` (every list when None); how many subscriptions ended.

    ``edition``: the mail the reader unsubscribed from, counted in that edition's figures.
    Ended subscriptions stay, with their date and reason, as the record of the consent withdrawn.
    """
    now = timezone.now()
    subscriptions = subscriber.subscriptions.exclude(status=Subscription.Status.UNSUBSCRIBED)
    if newsletter is not None:
        subscriptions = subscriptions.filter(newsletter=newsletter)
    with transaction.atomic():
        ended = subscriptions.update(
            status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at=now, unsubscribe_reason=reason
        )
        if edition is not None and ended:
            Delivery.objects.filter(edition=edition, subscriber=subscriber, unsubscribed_at__isnull=True).update(
                unsubscribed_at=now
            )
    return ended


def delete_expired(now=None) -> int:
    """Forget requests never confirmed within ``NEWSLETTER_CONFIRM_DAYS``; how many subscriptions expired.

    A waiting subscription that was never confirmed is deleted; one that had ended before (asked
    again, then not confirmed) goes back to its unsubscription, whose record it keeps. Then every
    subscriber left with no subscription and never confirmed is deleted: an address typed in the
    form and never confirmed is kept no longer than its link.
    """
    now = now or timezone.now()
    limit = now - timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS)
    expired = Subscription.objects.pending().filter(requested_at__lte=limit)
    with transaction.atomic():
        ended_before = expired.filter(unsubscribed_at__isnull=False).update(status=Subscription.Status.UNSUBSCRIBED)
        deleted, _by_model = expired.delete()
        Subscriber.objects.filter(confirmed_at__isnull=True, subscriptions__isnull=True, created_at__lte=limit).delete()
    return ended_before + deleted
