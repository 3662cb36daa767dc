"""A subscriber's data for a person's data request (export and erasure), registered with common.personal_data.

Imported by ``NewslettersConfig.ready()``. Whoever may change subscribers (the « Relation
abonnés » role, superusers) answers for this part; a moderator without that permission gets the
comments' part only, and the page says so (docs/personal-data.md).
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import personal_data
from outbox.models import Mail

from .models import Subscriber, Subscription
from .subscribing import CONFIRMATION_KIND

# Export and erase both: erasing is a change of the subscribers, and the export shows their addresses.
PERMISSION = "newsletters.change_subscriber"


def _iso(moment):
    return moment.isoformat() if moment else None


def export_subscriber(email: str) -> dict | None:
    """The subscriber of this address, their lists with the consent they gave, and the editions sent to them.

    Not their ``key``: it is the secret of their links, not something about them.
    """
    subscriber = Subscriber.objects.by_email(email).first()
    if subscriber is None:
        return None
    subscriptions = subscriber.subscriptions.select_related("newsletter").order_by("requested_at", "pk")
    deliveries = subscriber.deliveries.select_related("edition").order_by("edition__created_at", "pk")
    return {
        "email": subscriber.email,
        "created_at": _iso(subscriber.created_at),
        "confirmed_at": _iso(subscriber.confirmed_at),
        "subscriptions": [
            {
                "newsletter": subscription.newsletter.name,
                "status": subscription.status,
                "consent_text": subscription.consent_text,
                "requested_at": _iso(subscription.requested_at),
                "confirmed_at": _iso(subscription.confirmed_at),
                "unsubscribed_at": _iso(subscription.unsubscribed_at),
                "unsubscribe_reason": subscription.unsubscribe_reason,
            }
            for subscription in subscriptions
        ],
        "deliveries": [
            {
                "edition": delivery.edition.subject,
                "sent_at": _iso(delivery.sent_at),
                "status": delivery.status,
                "unsubscribed_at": _iso(delivery.unsubscribed_at),
            }
            for delivery in deliveries
        ],
    }


def count_subscriptions(email: str) -> int:
    """The lists this address joined (pending, active or ended): what an erasure would take away."""
    return Subscription.objects.filter(subscriber__in=Subscriber.objects.by_email(email)).count()


def erase_subscriber(email: str) -> int:
    """Delete the subscriber of this address and their subscriptions; how many subscriptions went.

    Their deliveries stay, with their status and no one attached, so that the editions' figures
    are unchanged; the provider's message id and the server's last error go with the person (an
    SMTP refusal often quotes the address). The admin's history of the subscriber is scrubbed
    too: its entries are named by the address. The confirmation mails the outbox kept (the
    address, and a link to the lists) are deleted.
    """
    with transaction.atomic():
        subscriber = Subscriber.objects.by_email(email).first()
        if subscriber is None:
            return 0
        subscription_ids = list(subscriber.subscriptions.values_list("pk", flat=True))
        subscriber.deliveries.update(provider_message_id="", last_error="")
        forgotten = str(_("Abonné effacé"))
        personal_data.scrub_admin_history(Subscriber, [subscriber.pk], forgotten)
        personal_data.scrub_admin_history(Subscription, subscription_ids, forgotten)
        # One recipient each (outbox.mail.send stores them as a sorted list): found by exact match.
        Mail.objects.filter(kind=CONFIRMATION_KIND, recipients=[subscriber.email]).delete()
        subscriber.delete()  # subscriptions cascade; deliveries are kept, their subscriber set to NULL
    return len(subscription_ids)


personal_data.register(
    "newsletters",
    gettext_lazy("Abonnements aux lettres"),
    export=export_subscriber,
    erase=erase_subscriber,
    count=count_subscriptions,
    permission=PERMISSION,
    holders=gettext_lazy("au rôle « Relation abonnés »"),
)
