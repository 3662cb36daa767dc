"""Subscribing and unsubscribing: double opt-in, the consent kept as proof, nothing that tells an address apart."""

from django.db import transaction
from django.utils import timezone

from .models import Delivery, Subscription


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
