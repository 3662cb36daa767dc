"""The newsletter benchmark's data (scripts/newsletter_benchmark.py): a list of N confirmed subscribers and
a morning edition of twelve articles, the lead with its picture, scheduled now.

Run inside the site's process (``manage.py shell -c "from bench.newsletter import prepare; …"``), on
a migrated, empty database. Rows are written by chunks, so that memory does not grow with N.
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as Pillow

from articles.models import Article, Section
from images.models import Image
from images.processing import process_upload
from newsletters import sending
from newsletters.models import Edition, EditionItem, NewsletterList, Subscriber, Subscription

CHUNK = 5_000
STANDFIRST = (
    "Le conseil municipal a voté mardi soir le budget primitif de l’année, après trois heures de débats "
    "sur la rénovation des écoles, le prix de l’eau et la nouvelle ligne de bus vers le plateau."
)


def lead_image() -> Image:
    buffer = io.BytesIO()
    Pillow.new("RGB", (1600, 1067), (70, 110, 150)).save(buffer, "JPEG", quality=85)
    image = Image(alt_text="La place d’Armes de Metz au petit matin")
    image.attach(process_upload(SimpleUploadedFile("place.jpg", buffer.getvalue(), content_type="image/jpeg")))
    image.save()
    return image


def articles(count: int = 12) -> list[Article]:
    section = Section.objects.create(name="Metz", slug="metz-bench")
    now = timezone.now()
    written = []
    for number in range(count):
        written.append(
            Article.objects.create(
                title=f"Le budget de la ville voté : ce qui change en 2027 (article {number + 1})",
                slug=f"budget-ville-{number + 1}",
                section=section,
                standfirst=STANDFIRST,
                body="<p>Premier paragraphe.</p><p>Deuxième paragraphe.</p>",
                status=Article.Status.PUBLISHED,
                published_at=now,
                main_image=lead_image() if number == 0 else None,
            )
        )
    return written


def subscribers(newsletter: NewsletterList, count: int) -> None:
    now = timezone.now()
    for start in range(0, count, CHUNK):
        with transaction.atomic():
            created = Subscriber.objects.bulk_create(
                [
                    Subscriber(email=f"lecteur{number:06d}@exemple.fr", confirmed_at=now)
                    for number in range(start, min(count, start + CHUNK))
                ]
            )
            Subscription.objects.bulk_create(
                [
                    Subscription(
                        subscriber=subscriber,
                        newsletter=newsletter,
                        status=Subscription.Status.ACTIVE,
                        consent_text="J’accepte de recevoir « La lettre du matin ».",
                        confirmed_at=now,
                    )
                    for subscriber in created
                ]
            )


def prepare(count: int) -> int:
    """The list, its subscribers and an edition sent now (the worker starts it); the edition's id."""
    newsletter = NewsletterList.objects.get(slug="lettre-du-matin")
    subscribers(newsletter, count)
    edition = Edition.objects.create(
        newsletter=newsletter,
        subject="La lettre du matin : le budget de Metz voté",
        editorial="Bonjour,\n\nCe matin, le budget de la ville et les résultats du week-end.\n\nBonne lecture !",
    )
    EditionItem.objects.bulk_create(
        [EditionItem(edition=edition, article=article, position=n) for n, article in enumerate(articles(), 1)]
    )
    sending.send_now(edition)
    return edition.pk
