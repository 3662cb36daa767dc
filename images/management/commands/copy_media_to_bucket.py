"""Copy an existing MEDIA_ROOT into the media bucket, once, when a site moves its media to object storage.

Every file under MEDIA_ROOT becomes the object of the same name (« images/originals/….jpg »), so the
names the database holds point at the bucket as they pointed at the disk. Resumable: an object
already in the bucket with the file's size is skipped — media names hold a random key and are never
rewritten, so the same name and size is the same file — and S3 shows an object only once it is
whole, so a killed run leaves no half-copied object behind: run it again and it copies the rest.

Here, in the lowest app that knows the media storage (its helpers and its S3 backend live in
``images``), because it copies every file whatever app wrote it: images, documents, kept uploads.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from images.models import stores_local_files


class Command(BaseCommand):
    help = (
        "Copie les fichiers de MEDIA_ROOT dans le bucket des médias (NEWSROOM_MEDIA_S3_BUCKET), sous les mêmes "
        "noms. Reprend là où une copie interrompue s’est arrêtée : un fichier déjà dans le bucket avec la même "
        "taille n’est pas recopié."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", help="dossier à copier (MEDIA_ROOT par défaut)")
        parser.add_argument("--dry-run", action="store_true", help="dit ce qui serait copié, sans rien copier")

    def handle(self, source=None, dry_run=False, verbosity=1, **options):
        root = Path(source or settings.MEDIA_ROOT)
        storage = default_storage
        if stores_local_files(storage) or not hasattr(storage, "bucket"):
            raise CommandError(
                "Les médias ne sont pas sur un stockage objet : définissez NEWSROOM_MEDIA_S3_BUCKET "
                "(docs/media-storage.md)."
            )
        if not root.is_dir():
            raise CommandError(f"{root} n’est pas un dossier.")

        in_bucket = objects_in_bucket(storage)
        copied = skipped = copied_bytes = 0
        failed = []
        for path in files_under(root):
            name = path.relative_to(root).as_posix()
            try:
                size = path.stat().st_size
                if in_bucket.get(name) == size:
                    skipped += 1
                    continue
                if not dry_run:
                    with path.open("rb") as stream:
                        # _save(), not save(): the object must keep exactly this name, which the
                        # database points at; save() would choose another beside an object of a
                        # different size. The file is streamed (multipart), never read whole.
                        storage._save(name, File(stream, name=name))
                copied += 1
                copied_bytes += size
                if verbosity >= 2:
                    self.stdout.write(f"{'à copier' if dry_run else 'copié'} : {name}")
            except Exception as error:  # one file's trouble must not stop the others
                failed.append(name)
                self.stderr.write(f"Échec : {name} : {error}")

        done = "à copier (essai : rien n’a été copié)" if dry_run else "copié(s)"
        self.stdout.write(
            f"{copied} fichier(s) {done}, {filesizeformat(copied_bytes)} ; "
            f"{skipped} déjà dans le bucket ; {len(failed)} en échec."
        )
        if failed:
            raise CommandError(f"{len(failed)} fichier(s) n’ont pas été copiés : relancez la commande.")


def files_under(root: Path):
    """Every regular file under ``root``, in a stable order (the same at each run)."""
    for folder, folders, names in os.walk(root):
        folders.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path


def objects_in_bucket(storage) -> dict[str, int]:
    """Name → size of every object already in the bucket: one listing per thousand objects, not a
    request per file."""
    location = storage.location.strip("/")
    prefix = f"{location}/" if location else ""
    return {summary.key.removeprefix(prefix): summary.size for summary in storage.bucket.objects.filter(Prefix=prefix)}
