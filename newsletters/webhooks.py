"""What the email providers tell us through django-anymail's webhooks: bounces, complaints, unsubscriptions.

Anymail receives each provider's webhook at ``/lettres/anymail/<provider>/tracking/`` (and
``…/inbound/``), checks the shared secret (``ANYMAIL["WEBHOOK_SECRET"]``, HTTP basic auth: a request
without it is refused before anything here runs) and turns the provider's payload into one
normalised event, which these receivers handle the same way for every provider:

- a hard bounce: the delivery is marked « Rejeté (bounce) » and the address leaves every list
  (it does not exist: no list can reach it); a soft bounce (a full mailbox) changes nothing;
- a complaint (« this is spam »): the delivery is marked, the address leaves that list;
- the provider's own unsubscribe (its link or its suppression list): the address leaves that list;
- a mail to NEWSLETTER_UNSUBSCRIBE_MAILTO (List-Unsubscribe's ``mailto:``), received through the
  provider's inbound webhook, whose subject is « desinscription <key> <edition> »: that list.

The delivery is found by the provider's message id stored when it was sent; a bounce for a mail
we cannot find (the confirmation mail, another system) is matched by the address.
"""

import logging
import re

from anymail.signals import EventType, inbound, tracking
from django.conf import settings
from django.dispatch import receiver

from .models import Delivery, Edition, Subscriber, Subscription
from .subscribing import unsubscribe

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SUBJECT = re.compile(r"\bdesinscription\s+([A-Za-z0-9_-]{8,64})\s+(\d+)\b")
# A temporary failure as the receiving server words it: « 452 4.2.2 Mailbox full ».
SOFT_REPLY = re.compile(r"^\s*4\d\d\b|^\s*4\.\d+\.\d+")


def is_soft_bounce(event) -> bool:
    """A bounce that says « later », not « never ». Anymail calls both « bounced » for some providers;
    their payload tells: Postmark's Type, Mailgun's severity, or the server's 4xx reply."""
    payload = event.esp_event if isinstance(event.esp_event, dict) else {}
    if payload.get("Type") == "SoftBounce" or payload.get("severity") == "temporary":
        return True
    return bool(SOFT_REPLY.match(event.mta_response or ""))


def delivery_for(event) -> Delivery | None:
    if not event.message_id:
        return None
    return (
        Delivery.objects.filter(provider_message_id=str(event.message_id))
        .select_related("subscriber", "edition__newsletter")
        .first()
    )


@receiver(tracking, dispatch_uid="newsletters.tracking")
def handle_tracking(sender, event, esp_name, **kwargs) -> None:
    if event.event_type not in (EventType.BOUNCED, EventType.COMPLAINED, EventType.UNSUBSCRIBED):
        return
    if event.event_type == EventType.BOUNCED and is_soft_bounce(event):
        return
    delivery = delivery_for(event)
    subscriber = delivery.subscriber if delivery else None
    if subscriber is None and event.recipient:
        subscriber = Subscriber.objects.by_email(event.recipient).first()
    if subscriber is None:
        return
    edition = delivery.edition if delivery else None
    if delivery is not None and event.event_type in (EventType.BOUNCED, EventType.COMPLAINED):
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.BOUNCED, last_error=(event.description or event.mta_response or "")[:500]
        )
    if event.event_type == EventType.BOUNCED:
        # The address does not exist: no list can reach it.
        unsubscribe(subscriber, None, reason=Subscription.Reason.BOUNCE, edition=edition)
    else:
        reason = (
            Subscription.Reason.COMPLAINT if event.event_type == EventType.COMPLAINED else Subscription.Reason.ONE_CLICK
        )
        unsubscribe(subscriber, edition.newsletter if edition else None, reason=reason, edition=edition)
    logger.info("%s from %s: subscriber %s unsubscribed", event.event_type, esp_name, subscriber.pk)


@receiver(inbound, dispatch_uid="newsletters.inbound")
def handle_inbound(sender, event, esp_name, **kwargs) -> None:
    message = event.message
    if message is None:
        return
    mailbox = settings.NEWSLETTER_UNSUBSCRIBE_MAILTO.lower()
    recipients = {address.addr_spec.lower() for address in message.to} | {(message.envelope_recipient or "").lower()}
    if mailbox not in recipients:
        return
    found = UNSUBSCRIBE_SUBJECT.search(message.subject or "")
    if found is None:
        return
    key, edition_id = found.group(1), int(found.group(2))
    subscriber = Subscriber.objects.filter(key=key).first()
    edition = Edition.objects.select_related("newsletter").filter(pk=edition_id).first()
    if subscriber is None or edition is None:
        return
    unsubscribe(subscriber, edition.newsletter, reason=Subscription.Reason.MAILTO, edition=edition)
    logger.info("Unsubscribed by mail from %s: subscriber %s", esp_name, subscriber.pk)
