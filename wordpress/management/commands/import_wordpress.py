"""``manage.py import_wordpress EXPORT.xml``: bring a WordPress site's archive into the newsroom."""

import gc
import sys
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from tqdm import tqdm

from wordpress.importer import DEFAULT_STATUSES, STATUSES, Options, WordPressImport
from wordpress.wxr import WxrError

ROLES = ("territory", "personality")
STAGES = {"scan": "Lecture du fichier", "media": "Téléchargement des fichiers", "import": "Import"}


def pairs(values: list[str], option: str) -> dict[str, str]:
    found = {}
    for value in values or []:
        name, sep, target = value.partition("=")
        if not sep or not name.strip() or not target.strip():
            raise CommandError(f"{option} attend NOM=VALEUR, pas « {value} ».")
        found[name.strip()] = target.strip()
    return found


@contextmanager
def collecting_less():
    """Millions of short-lived objects: Python's cyclic collector, run every 700 allocations over everything
    Django and the apps loaded, took 8 % of an import's time. Run less often, over what the import makes;
    as before afterwards (the tests call the command in their own process)."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class Command(BaseCommand):
    help = (
        "Importe un export WordPress (WXR, « Outils › Exporter ») : rubriques, mots-clés, lieux, personnalités, "
        "auteurs, images, articles et commentaires ; les anciennes adresses redirigent vers les nouvelles. "
        "Sans risque à relancer : ce qui n’a pas changé n’est pas touché."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="Le fichier XML exporté par WordPress.")
        parser.add_argument(
            "--media-dir",
            help="Une copie du dossier wp-content/uploads du site, d’où viennent les images.",
        )
        parser.add_argument(
            "--fetch-media",
            action="store_true",
            help=(
                "Télécharger depuis l’ancien site les images et documents (PDF, son, vidéo) que la photothèque "
                "et les documents n’ont pas encore (http et https publics seulement, taille et durée bornées)."
            ),
        )
        parser.add_argument("--dry-run", action="store_true", help="Tout lire et tout vérifier, sans rien enregistrer.")
        parser.add_argument(
            "--section-map",
            action="append",
            metavar="CATÉGORIE=RUBRIQUE",
            help="Classer une catégorie (nom ou adresse) dans une rubrique (créée au besoin). Répétable.",
        )
        parser.add_argument(
            "--taxonomy",
            action="append",
            metavar="NOM=territory|personality",
            help="Importer une taxinomie personnalisée comme lieux ou comme personnalités. Répétable.",
        )
        parser.add_argument(
            "--post-type",
            action="append",
            metavar="TYPE",
            help="Importer aussi ce type de contenu comme articles (par exemple page). Répétable.",
        )
        parser.add_argument(
            "--skip-pages",
            action="store_true",
            help="Ne pas importer les pages WordPress (« À propos », « Mentions légales »…) comme pages du site.",
        )
        parser.add_argument(
            "--status",
            action="append",
            choices=sorted(set(STATUSES) - DEFAULT_STATUSES),
            help="Importer aussi les articles privés (en brouillon) ou à la corbeille (dépubliés). Répétable.",
        )
        parser.add_argument(
            "--report",
            metavar="FICHIER",
            help="Écrire aussi le rapport dans ce fichier, pour l’équipe de migration : Markdown (.md) ou CSV (.csv).",
        )
        parser.add_argument(
            "--default-section",
            default="Non classé",
            help="Rubrique des articles sans catégorie (par défaut « Non classé »).",
        )

    def handle(self, *args, **options):
        export = Path(options["export"])
        if not export.is_file():
            raise CommandError(f"Fichier introuvable : {export}")
        media_dir = Path(options["media_dir"]) if options["media_dir"] else None
        if media_dir is not None and not media_dir.is_dir():
            raise CommandError(f"Dossier d’images introuvable : {media_dir}")
        report_file = Path(options["report"]) if options["report"] else None
        if report_file is not None and (
            report_file.suffix.lower() not in {".md", ".csv"} or not report_file.parent.is_dir()
        ):
            raise CommandError(
                f"--report {report_file} : donnez un fichier .md (Markdown) ou .csv dans un dossier qui existe."
            )
        taxonomies = pairs(options["taxonomy"], "--taxonomy")
        for name, role in taxonomies.items():
            if role not in ROLES:
                raise CommandError(f"--taxonomy {name}={role} : le rôle doit être territory ou personality.")
        run = WordPressImport(
            export,
            Options(
                media_dir=media_dir,
                fetch_media=options["fetch_media"],
                dry_run=options["dry_run"],
                section_map=pairs(options["section_map"], "--section-map"),
                taxonomy_map=taxonomies,
                post_types={"post", *(options["post_type"] or [])},
                statuses=DEFAULT_STATUSES | set(options["status"] or []),
                default_section=options["default_section"],
                pages=not options["skip_pages"],
            ),
            progress=self.progress_bar(export.stat().st_size),
        )
        try:
            with collecting_less():
                report = run.run()
        except WxrError as error:
            raise CommandError(f"{error} Rien n’a été importé.") from error
        finally:
            self.close_progress()
        self.stdout.write(report.render())
        if report_file is not None:
            report.write(report_file)

    # Progress: a bar on a terminal, a line every tenth of the file otherwise (logs, CI).

    def progress_bar(self, size: int):
        self.bar, self.stage, self.next_line = None, None, 0

        def progress(stage: str, position: int) -> None:
            if stage != self.stage:
                self.close_progress()
                self.stage, self.next_line = stage, 0
                if sys.stderr.isatty():
                    self.bar = tqdm(total=size, unit="o", unit_scale=True, desc=STAGES[stage], leave=False)
            if self.bar is not None:
                self.bar.update(position - self.bar.n)
            elif self.verbosity >= 2 and position >= self.next_line:
                self.stderr.write(f"{STAGES[stage]} : {number_format(100 * position / max(size, 1), 0)} %")
                self.next_line = position + size / 10

        return progress

    def close_progress(self):
        if getattr(self, "bar", None) is not None:
            self.bar.close()
            self.bar = None

    def execute(self, *args, **options):
        self.verbosity = options.get("verbosity", 1)
        return super().execute(*args, **options)
