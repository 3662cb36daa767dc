"""manage.py refresh_subject_dates: find every subject's latest publication again, from the articles.

For writes that skip Django's signals, which keep these dates otherwise (``articles.subject_dates``):
a bulk load such as the benchmark's generator.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.subject_dates import recompute_all


class Command(BaseCommand):
    help = (
        "Recalcule la date du dernier article publié de chaque sujet (rubriques, lieux, mots-clés…), pour les sitemaps."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            recompute_all()
