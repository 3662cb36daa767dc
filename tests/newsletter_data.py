"""Newsletter lists, subscribers and editions for the mail and sending tests."""

from django.utils import timezone

from newsletters.models import Edition, EditionItem, NewsletterList, Subscriber, Subscription


def morning_list() -> NewsletterList:
    """« La lettre du matin », which the app's migration creates."""
    return NewsletterList.objects.get(slug="lettre-du-matin")


def active_subscribers(newsletter: NewsletterList, count: int, prefix: str = "lecteur") -> list[Subscriber]:
    """``count`` confirmed subscribers of ``newsletter``, written in two statements."""
    now = timezone.now()
    subscribers = Subscriber.objects.bulk_create(
        [Subscriber(email=f"{prefix}{number}@exemple.fr", confirmed_at=now) for number in range(count)]
    )
    if not subscribers or subscribers[0].pk is None:  # databases that do not return the keys
        subscribers = list(Subscriber.objects.filter(email__startswith=prefix).order_by("pk"))
    Subscription.objects.bulk_create(
        [
            Subscription(
                subscriber=subscriber,
                newsletter=newsletter,
                status=Subscription.Status.ACTIVE,
                consent_text="J’accepte de recevoir la lettre.",
                confirmed_at=now,
            )
            for subscriber in subscribers
        ]
    )
    return subscribers


def edition_of(newsletter: NewsletterList, articles=(), **fields) -> Edition:
    fields.setdefault("subject", "La lettre du matin du lundi 7 décembre")
    edition = Edition.objects.create(newsletter=newsletter, **fields)
    EditionItem.objects.bulk_create(
        [
            EditionItem(edition=edition, article=article, position=position)
            for position, article in enumerate(articles, 1)
        ]
    )
    return edition
