"""Render the stored HTML of every article body again, after the rules of ``articles.body`` changed."""

from django.core.management.base import BaseCommand

from articles.models import Article


class Command(BaseCommand):
    help = (
        "Recalcule le HTML enregistré du texte de tous les articles (après un changement des règles "
        "d’affichage, de la palette des encadrés ou des adresses des images)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="articles par lot (500)")

    def handle(self, batch_size, **options):
        count = len(Article.objects.all().rerender_bodies(batch_size=batch_size))
        self.stdout.write(self.style.SUCCESS(f"{count} article(s) recalculé(s)."))
