"""The demo's newsletters, added by ``manage.py load_demo`` once its articles exist (articles never imports newsletters).

« L’essentiel de Metz », a territory's letter open to readers; three subscribers of « La lettre du
matin » with invented addresses at example.org (a domain reserved for examples: nothing is ever
delivered there); and a draft morning edition assembled from the demo's front page, for an editor
to reorder, preview and schedule. A second run changes nothing.
"""

import datetime

from django.dispatch import receiver
from django.utils import timezone

from articles import demo_content as demo
from articles.models import Territory

from .editions import new_edition
from .models import NewsletterList, Subscriber, Subscription
from .subscribing import consent_text

MORNING = "lettre-du-matin"
METZ = {
    "slug": "essentiel-de-metz",
    "name": "L’essentiel de Metz",
    "kind": NewsletterList.Kind.TERRITORY,
    "description": "Chaque soir à 18 h, les articles du jour sur Metz et ses quartiers.",
    "send_time": datetime.time(18, 0),
    "position": 3,
}
SUBSCRIBERS = ["lecteur-demo-1@example.org", "lecteur-demo-2@example.org", "lecteur-demo-3@example.org"]


@receiver(demo.demo_articles_loaded)
def load_demo_newsletters(sender, report, **kwargs) -> None:
    created = 0
    metz = Territory.objects.filter(slug="metz").first()
    if metz is not None:
        _list, made = NewsletterList.objects.get_or_create(slug=METZ["slug"], defaults={**METZ, "territory": metz})
        created += made
    morning = NewsletterList.objects.filter(slug=MORNING).first()
    if morning is not None:
        now = timezone.now()
        for address in SUBSCRIBERS:
            subscriber, made = Subscriber.objects.get_or_create(
                email=address, defaults={"confirmed_at": now, "created_at": now}
            )
            created += made
            Subscription.objects.get_or_create(
                subscriber=subscriber,
                newsletter=morning,
                defaults={
                    "status": Subscription.Status.ACTIVE,
                    "consent_text": consent_text(morning.name),
                    "requested_at": now,
                    "confirmed_at": now,
                },
            )
        if not morning.editions.exists():
            new_edition(morning, now=now)
            created += 1
    report("Lettres d’information", created, len(SUBSCRIBERS) + 2)
