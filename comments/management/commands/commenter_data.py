"""Answer a reader's personal-data request from the command line: export or erase their comments."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments.personal_data import erase_comments_of, export_comments_of


class Command(BaseCommand):
    help = "Exporte (JSON) ou efface tous les commentaires d’une adresse e-mail."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"], help="export : copie JSON ; erase : effacement")
        parser.add_argument("email", help="l’adresse e-mail de l’auteur des commentaires")
        parser.add_argument("--yes", action="store_true", help="effacer sans demander de confirmation")

    def handle(self, action, email, yes, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"« {email} » n’est pas une adresse e-mail valide.") from None
        if action == "export":
            self.stdout.write(json.dumps(export_comments_of(email), ensure_ascii=False, indent=2))
            return
        if not yes:
            answer = input(f"Effacer définitivement tous les commentaires de {email} ? Tapez « oui » : ")
            if answer.strip().lower() != "oui":
                raise CommandError("Effacement annulé.")
        count = erase_comments_of(email)
        self.stdout.write(self.style.SUCCESS(f"{count} commentaire(s) effacé(s) pour {email}."))
