"""Recompute the search data of every article, e.g. after changing how it is computed."""

import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from articles.models import Article
from search import indexing


class Command(BaseCommand):
    help = "Recalcule les données de recherche de tous les articles, par lots."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=indexing.BATCH_SIZE,
            help="Articles par lot (une transaction et une requête UPDATE par lot).",
        )

    def handle(self, *args, batch_size, **options):
        batch_size = max(1, batch_size)
        pks = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        started = time.monotonic()
        for start in range(0, len(pks), batch_size):
            # One transaction per batch: a long rebuild never holds every row locked.
            with transaction.atomic():
                indexing.refresh_articles(pks[start : start + batch_size])
            if options["verbosity"] > 1:
                self.stdout.write(f"{min(start + batch_size, len(pks))}/{len(pks)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(pks)} article(s) indexé(s) en {time.monotonic() - started:.1f} s ({connection.vendor})."
            )
        )
