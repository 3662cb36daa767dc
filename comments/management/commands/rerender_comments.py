"""Render the stored HTML of every comment again, after the rules of ``comments.text`` changed."""

from django.core.management.base import BaseCommand

from comments.models import rerender_comment_bodies


class Command(BaseCommand):
    help = "Recalcule le HTML enregistré de tous les commentaires (après un changement des règles d’affichage)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000, help="commentaires par lot (2000)")

    def handle(self, batch_size, **options):
        count = rerender_comment_bodies(batch_size=batch_size)
        self.stdout.write(self.style.SUCCESS(f"{count} commentaire(s) recalculé(s)."))
