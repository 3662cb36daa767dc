"""The import's media: WordPress's attachments into the image and document libraries, one library item per file.

``WordPressImport`` (wordpress/importer.py) takes these methods from ``MediaImport``. Where a
file comes from: a copy of the site's uploads folder (``--media-dir``), or the old site
itself (``--fetch-media``: downloaded before the posts are written, four at a time, each
through ``wordpress.fetch``'s guarded client, into a temporary folder that the run deletes).
Pictures go to ``images.Image`` through ``images.processing``, PDFs, office files, sounds
and videos to ``documents.Document`` through ``documents.checks``, each recorded on its
``ImportedItem``.

One library item per file, whichever export brings it first: an attachment is found again
by its WordPress id and by its file's path (``old_path``), so that an « Articles » export
whose posts named ``/wp-content/uploads/2024/05/x.jpg`` and the « Médias » export holding
attachment 45 for that file give one image. A post imported before its media records what
it waits for (``ImportedItem.pending``: attachment ids, upload paths, « the attachments of
post 12 » for a ``[gallery]`` without ids) with its WordPress data; the run that brings
them converts it again, so that its featured image, galleries, players and document links
come back without importing the « Articles » file again.
"""

import hashlib
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q

from documents.checks import check_upload
from documents.models import Document
from images.models import Image
from images.processing import process_upload

from . import content, report, wxr
from .fetch import FetchError, FetchPolicy, fetch
from .models import ImportedItem

Kind = ImportedItem.Kind
FETCH_WORKERS = 4
PATH_LENGTH = ImportedItem._meta.get_field("old_path").max_length
PICTURES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".bmp", ".tif", ".tiff", ".heic", ".heif"})
SOUNDS_AND_VIDEOS = frozenset(
    {".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wav", ".flac", ".mp4", ".m4v", ".mov", ".webm", ".ogv"}
)
# An address of the old site's uploads folder in a post's text, for --fetch-media: files that posts
# show without the export listing them as attachments.
_UPLOAD_URL = re.compile(
    r"""(?<![\w/.:-])(?:(?:https?:)?//[^\s"'<>()\[\]]+?)?/wp-content/uploads/[^\s"'<>?#()\[\]]+""", re.IGNORECASE
)
_RESIZED = re.compile(r"-\d+x\d+(?=\.\w+$)")
_SEPARATORS = re.compile(r"[\s_.-]+")


def suffix_of(path: str) -> str:
    return PurePosixPath(path or "").suffix.lower()


def _importer():
    # wordpress.importer builds on this module (WordPressImport(MediaImport)): its helpers are taken at call time.
    from . import importer

    return importer


def is_document_path(path: str) -> bool:
    """A file for the document library rather than the image library, by its name's extension."""
    return suffix_of(urlsplit(path).path if "://" in path else path) in _importer().NOT_IMAGES


def size_limit(path: str) -> int:
    """What the library the file goes to accepts: reading stops past it."""
    if not is_document_path(path):
        return settings.IMAGES_MAX_UPLOAD_BYTES
    if suffix_of(path) in SOUNDS_AND_VIDEOS:
        return settings.MEDIA_MAX_UPLOAD_BYTES
    return settings.DOCUMENTS_MAX_UPLOAD_BYTES


def is_file_name(text: str, path: str = "") -> bool:
    """Whether an alt text or a caption is a file's name rather than words: « DSC_0042 », « IMG_1234 »,
    « image-1.jpg », or the name of the very file (« image-1 » for image-1.jpg)."""
    text = content.plain_text_of(text)
    if not text:
        return False
    if content.is_file_name_caption(text):
        return True
    stem = _RESIZED.sub("", PurePosixPath(path).name)
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    return bool(stem) and _SEPARATORS.sub(" ", text).strip().casefold() == _SEPARATORS.sub(" ", stem).strip().casefold()


def sensible_alt(text: str, path: str = "") -> str:
    """The alt text to keep, or "" for none or a file name."""
    text = content.plain_text_of(text or "")
    return "" if is_file_name(text, path) else text[:250]


def item_data(item: wxr.Item) -> dict:
    """A post's WordPress data without its comments, as JSON keeps it (for ``ImportedItem.pending``)."""
    data = asdict(item)
    data["comments"] = []
    data["date"] = item.date.isoformat() if item.date else None
    return data


def item_from(data: dict) -> wxr.Item:
    data = dict(data)
    data["date"] = datetime.fromisoformat(data["date"]) if data.get("date") else None
    data["terms"] = [wxr.ItemTerm(**term) for term in data.get("terms") or []]
    data["comments"] = []
    known = set(wxr.Item.__dataclass_fields__)
    return wxr.Item(**{name: value for name, value in data.items() if name in known})


class MediaImport:
    """The media half of ``WordPressImport``: attachments, files, downloads and the posts waiting for them."""

    # State (set up by start_media, called from WordPressImport.__init__).

    def start_media(self) -> None:
        self.download_dir: Path | None = None
        self.failed_downloads: set[str] = set()  # upload paths whose download failed (reported once)
        self.waiting: set[str] = set()  # what the post being converted lacks: "id:45", "path:2024/05/x.jpg"…
        self.brought: set[str] = set()  # what this run brought into a library, in the same keys
        self.body_uploads: dict[str, str] = {}  # upload path → address, of files named in posts' text
        self.finishing_waiting = False  # converting posts of earlier files: links to posts looked up in the database

    # Pass 1 --------------------------------------------------------------------------

    def scan_media(self, entry: wxr.Item) -> None:
        """What pass 1 learns of a post for the media: the upload addresses its text names (--fetch-media)."""
        if not getattr(self.options, "fetch_media", False) or "/wp-content/uploads/" not in (entry.content or ""):
            return
        for url in _UPLOAD_URL.findall(entry.content):
            original = _RESIZED.sub("", url)  # the file uploaded, not a resized copy
            path = original.split("/wp-content/uploads/", 1)[1]
            self.body_uploads.setdefault(path, original)

    # Downloads -----------------------------------------------------------------------

    def fetch_policy(self, path: str) -> FetchPolicy:
        given = getattr(self.options, "fetch_policy", None)
        if given is not None:
            return FetchPolicy(**{**given.__dict__, "max_bytes": min(given.max_bytes, size_limit(path))})
        return FetchPolicy(max_bytes=size_limit(path))

    def downloaded_file(self, path: str) -> Path:
        """Where a downloaded file waits: a name of our own, never the export's path (« ../../etc »)."""
        name = hashlib.sha256(path.encode()).hexdigest()[:40]
        suffix = suffix_of(path) if re.fullmatch(r"\.\w{1,8}", suffix_of(path)) else ""
        return self.download_dir / f"{name}{suffix}"

    def files_to_download(self) -> dict[str, tuple[str, str, str]]:
        """upload path → (address, WordPress id, title) of each file neither in a library nor in --media-dir."""
        known = set(
            ImportedItem.objects.of(self.source, Kind.ATTACHMENT)
            .filter(Q(image__isnull=False) | Q(document__isnull=False))
            .values_list("wordpress_id", "old_path")
        )
        known_ids = {wordpress_id for wordpress_id, _path in known}
        known_paths = {path for _id, path in known if path}
        wanted: dict[str, tuple[str, str, str]] = {}
        for wordpress_id, entry in self.index.attachments.items():
            if entry.path and entry.url and wordpress_id not in known_ids and entry.path not in known_paths:
                wanted.setdefault(entry.path, (entry.url, wordpress_id, content.plain_text_of(entry.title)))
        for path, url in self.body_uploads.items():
            if url.startswith("//"):
                url = f"{urlsplit(self.source).scheme or 'https'}:{url}"
            elif url.startswith("/"):
                url = f"{self.source}{url}"  # relative to the old site, as WordPress wrote some
            own = urlsplit(url).netloc.lower().removeprefix("www.") == self.site_host
            if own and path not in known_paths and path not in self.index.attachment_by_path:
                wanted.setdefault(path, (url, f"fichier:{path}", path))
        if self.options.media_dir is not None:
            wanted = {path: job for path, job in wanted.items() if self.local_media_file(path) is None}
        return wanted

    def download_media(self) -> None:
        """Download, four at a time, what the libraries lack; the database is written later, by this thread."""
        wanted = self.files_to_download()
        if not wanted:
            return
        self.download_dir = Path(tempfile.mkdtemp(prefix="wordpress-media-"))
        total, done = len(wanted), 0
        size = max(self.path.stat().st_size, 1)
        self.progress("media", 0)
        with ThreadPoolExecutor(max_workers=FETCH_WORKERS, thread_name_prefix="wordpress-media") as pool:
            futures = {
                pool.submit(fetch, url, self.downloaded_file(path), self.fetch_policy(path)): (path, url, wid, title)
                for path, (url, wid, title) in wanted.items()
            }
            for future in as_completed(futures):
                path, url, wordpress_id, title = futures[future]
                try:
                    future.result()
                except FetchError as error:
                    self.failed_downloads.add(path)
                    self.report.problem(
                        report.MEDIA_NOT_DOWNLOADED, f"{url} : {error}", title=title, wordpress_id=wordpress_id
                    )
                except Exception as error:  # never a crash for one file
                    self.failed_downloads.add(path)
                    self.report.problem(
                        report.MEDIA_NOT_DOWNLOADED,
                        f"{url} : {type(error).__name__} : {error}",
                        title=title,
                        wordpress_id=wordpress_id,
                    )
                done += 1
                # The bar measures the export's bytes: the downloads are shown as the same share of it.
                self.progress("media", size * done // total)

    def forget_downloads(self) -> None:
        if self.download_dir is not None:
            shutil.rmtree(self.download_dir, ignore_errors=True)
            self.download_dir = None

    # Files ---------------------------------------------------------------------------

    def local_media_file(self, path: str) -> Path | None:
        """The file of --media-dir that an export names, None if there is none there.

        The path comes from the export (``_wp_attached_file``, an ``<img>``'s address): « ../../etc/passwd »
        or « /home/… » must not make the import read, and publish, a file from elsewhere on the server.
        """
        if not path or self.options.media_dir is None:
            return None
        folder = self.options.media_dir.resolve()
        candidate = (folder / path).resolve()
        return candidate if candidate.is_relative_to(folder) and candidate.is_file() else None

    def media_file(self, path: str) -> Path | None:
        """The file for an upload path: downloaded by this run, else in --media-dir."""
        if path and self.download_dir is not None:
            downloaded = self.downloaded_file(path)
            if downloaded.is_file():
                return downloaded
        return self.local_media_file(path)

    def has_media_source(self) -> bool:
        return self.options.media_dir is not None or bool(getattr(self.options, "fetch_media", False))

    # Library items -------------------------------------------------------------------

    def row_by_path(self, path: str) -> ImportedItem | None:
        """The library item of a file already imported under any id (an attachment, or the file alone)."""
        if not path:
            return None
        return (
            ImportedItem.objects.of(self.source, Kind.ATTACHMENT)
            .filter(old_path=path)
            .filter(Q(image__isnull=False) | Q(document__isnull=False))
            .order_by("pk")
            .first()
        )

    def attachment_row(self, attachment_id: str, *, for_post=None, alt: str = "") -> ImportedItem | None:
        """The library item of an attachment (imported on first use, or found again by its file); None if none."""
        existing = self.mapping(Kind.ATTACHMENT, attachment_id)
        if existing is not None and (existing.image_id or existing.document_id):
            if for_post is None and f"id:{attachment_id}" not in self.brought:
                # At its own item, unless a post of this run already brought (and counted) it: counted once.
                self.report.count("attachment", report.UNCHANGED)
            self.offer_alt(existing, alt)
            return existing
        entry = self.index.attachments.get(attachment_id)
        if entry is None:
            return None
        same_file = self.row_by_path(entry.path)
        if same_file is not None:
            # Brought by its path first (a post of an « Articles » export): the same library item, now known
            # by its id too. Its alt text, if it had none, from the attachment.
            row = self.remember(
                Kind.ATTACHMENT,
                attachment_id,
                "document" if same_file.document_id else "image",
                same_file.document or same_file.image,
                old_path=same_file.old_path,
                parent_post=entry.parent if entry.parent != "0" else "",
                menu_order=entry.order,
                fingerprint=same_file.fingerprint,
            )
            self.offer_alt(row, sensible_alt(entry.alt, entry.path) or alt)
            self.brought.update({f"id:{attachment_id}", f"parent:{entry.parent}"})
            self.report.count("attachment", report.UNCHANGED)
            return row
        return self.import_media_file(attachment_id, entry, alt=alt)

    def offer_alt(self, row: ImportedItem, alt: str) -> None:
        """A library image without alt text gets one found later (the attachment's, a post's <img alt>)."""
        alt = sensible_alt(alt, row.old_path)
        if alt and row.image_id:
            Image.objects.filter(pk=row.image_id, alt_text="").update(alt_text=alt)

    def import_media_file(self, wordpress_id: str, entry, *, alt: str = "") -> ImportedItem | None:
        """A file into its library (a picture, or a document: PDF, office, sound, video); None if it cannot be."""
        if wordpress_id in self.missing_images:
            return None
        document = is_document_path(entry.path)
        self.missing_images.add(wordpress_id)  # until imported: reported once, whoever uses it
        title = content.plain_text_of(entry.title) or entry.path
        source = self.media_file(entry.path)
        if source is None:
            if document and not self.has_media_source():
                # As before documents came: no folder and no download asked, a PDF is not reported each time.
                self.report.skip("attachment", "fichiers joints qui ne sont pas des images (PDF, son, vidéo…)")
                return None
            if entry.path not in self.failed_downloads:  # a failed download was reported already
                where = (
                    f"dans {self.options.media_dir}"
                    if self.options.media_dir is not None
                    else "non téléchargé"
                    if getattr(self.options, "fetch_media", False)
                    else "aucun dossier --media-dir ni --fetch-media donné"
                )
                kind = report.MISSING_DOCUMENT_FILE if document else report.MISSING_IMAGE_FILE
                self.report.problem(kind, f"{entry.path} ({where})", title=title, wordpress_id=wordpress_id)
            self.report.skip("attachment", "documents sans fichier" if document else "images sans fichier")
            return None
        try:
            with transaction.atomic(), source.open("rb") as stream:
                if document:
                    row = self.write_document(wordpress_id, entry, title, stream)
                else:
                    row, alt = self.write_image(wordpress_id, entry, stream, alt)
        except ValidationError as error:
            kind = report.BROKEN_DOCUMENT if document else report.BROKEN_IMAGE
            self.report.problem(kind, " ".join(error.messages), title=title, wordpress_id=wordpress_id)
            self.report.skip("attachment", "documents refusés" if document else "images illisibles")
            return None
        self.missing_images.discard(wordpress_id)
        self.brought.update({f"id:{wordpress_id}", f"path:{entry.path}", f"parent:{entry.parent}"})
        if not document and not alt:
            self.report.problem(report.MISSING_ALT_TEXT, entry.path, title=title, wordpress_id=wordpress_id)
        self.report.count("attachment", report.IMPORTED)
        return row

    def write_image(self, wordpress_id: str, entry, stream, alt: str) -> tuple[ImportedItem, str]:
        caption = content.plain_text_of(entry.caption)
        if is_file_name(caption, entry.path):
            caption = ""
        # The attachment's own alt text, else the one a post wrote in its <img alt>, else the caption;
        # never a file name. None: imported without, the desk told (the library asks for it on the next edit).
        alt = sensible_alt(entry.alt, entry.path) or sensible_alt(alt, entry.path) or sensible_alt(caption)
        processed = process_upload(File(stream, name=PurePosixPath(entry.path).name))
        image = Image(alt_text=alt, caption=caption)
        image.attach(processed)
        image.save()
        self.written_files += sorted(image.file_names())
        return self.remember_file(wordpress_id, entry, "image", image), alt

    def write_document(self, wordpress_id: str, entry, title: str, stream) -> ImportedItem:
        checked = check_upload(File(stream, name=PurePosixPath(entry.path).name))
        name = title if not is_file_name(title, entry.path) else PurePosixPath(entry.path).stem
        document = Document(title=name[:200] or "Document", description=content.plain_text_of(entry.caption))
        document.attach(checked)
        document.save()
        self.written_files.append(document.file.name)
        return self.remember_file(wordpress_id, entry, "document", document)

    def remember_file(self, wordpress_id: str, entry, target: str, obj) -> ImportedItem:
        return self.remember(
            Kind.ATTACHMENT,
            wordpress_id,
            target,
            obj,
            old_path=entry.path if len(entry.path) <= PATH_LENGTH else "",
            parent_post=entry.parent if entry.parent != "0" else "",
            menu_order=entry.order,
            fingerprint=_importer().digest(asdict(entry)),
        )

    # The resolver's side (wordpress.addresses.Resolver) ----------------------------------------------------

    def media_row(self, *, attachment_id: int | None, url: str, alt: str = "") -> ImportedItem | None:
        """The library item an <img>, a [gallery] id, a player or a link names; what is missing is noted."""
        post = self.current_post
        if attachment_id is not None:
            wordpress_id = str(attachment_id)
            if wordpress_id in self.index.attachments or self.mapping(Kind.ATTACHMENT, wordpress_id) is not None:
                row = self.attachment_row(wordpress_id, for_post=post, alt=alt)
                if row is not None:
                    return row
            if not url:
                self.waiting.add(f"id:{wordpress_id}")
                return None
        # Some hosts serve uploads from elsewhere (WordPress.com's files.wordpress.com): by the attachment's own path.
        elsewhere = _importer().uploads_path(url, anywhere=True)
        if elsewhere in self.index.attachment_by_path:
            return self.attachment_row(self.index.attachment_by_path[elsewhere], for_post=post, alt=alt)
        path = _importer().uploads_path(url)
        if not path or urlsplit(url).netloc.lower().removeprefix("www.") != self.site_host:
            if attachment_id is not None:
                self.waiting.add(f"id:{attachment_id}")
            return None
        if path in self.index.attachment_by_path:
            return self.attachment_row(self.index.attachment_by_path[path], for_post=post, alt=alt)
        # Imported already, by an earlier run or another export file (split « Articles » / « Médias »).
        row = self.row_by_path(path)
        if row is not None:
            self.offer_alt(row, alt)
            return row
        # In the uploads folder but not in the export (exported without its media): the file alone.
        existing = self.mapping(Kind.ATTACHMENT, f"fichier:{path}")
        if existing is None or not (existing.image_id or existing.document_id):
            existing = self.import_media_file(
                f"fichier:{path}", _importer().AttachmentEntry(path=path, title=path, alt="", caption=""), alt=alt
            )
        if existing is None:
            self.waiting.add(f"path:{path}")
            if attachment_id is not None:
                self.waiting.add(f"id:{attachment_id}")
        return existing

    def image(self, *, attachment_id: int | None, url: str, alt: str = "") -> int | None:
        """wordpress.content's resolver: the library image of an <img>, [caption] or [gallery]."""
        if url and is_document_path(url):
            return None
        row = self.media_row(attachment_id=attachment_id, url=url, alt=alt)
        return row.image_id if row is not None else None

    takes_alt = True  # image() takes the <img alt> of the post (wordpress.body_builder asks)

    def document(self, *, attachment_id: int | None, url: str) -> tuple[int, str] | None:
        """wordpress.content's resolver: the document library's (id, kind) for a sound, a video or a file."""
        if url and not is_document_path(url) and attachment_id is None:
            return None
        row = self.media_row(attachment_id=attachment_id, url=url)
        if row is None or not row.document_id:
            return None
        kind = Document.objects.filter(pk=row.document_id).values_list("kind", flat=True).first()
        return (row.document_id, kind) if kind else None

    def attached_images(self) -> list[int]:
        """wordpress.content's resolver: a [gallery] without ids shows the post's attached images, in their order."""
        post = self.current_post
        if post is None:
            return []
        found: dict[str, tuple[int, int]] = {}  # attachment id → (menu order, image id)
        for wordpress_id in self.index.attachments_by_parent.get(post.post_id, []):
            entry = self.index.attachments[wordpress_id]
            if is_document_path(entry.path):
                continue
            row = self.attachment_row(wordpress_id, for_post=post)
            if row is not None and row.image_id:
                found[wordpress_id] = (entry.order, row.image_id)
        rows = (
            ImportedItem.objects.of(self.source, Kind.ATTACHMENT)
            .filter(parent_post=post.post_id, image__isnull=False)
            .values_list("wordpress_id", "menu_order", "image_id")
        )
        for wordpress_id, order, image_id in rows:
            found.setdefault(wordpress_id, (order, image_id))
        if not found:
            self.waiting.add(f"parent:{post.post_id}")
        ordered = sorted(found.items(), key=lambda pair: (pair[1][0], _number(pair[0])))
        return list(dict.fromkeys(image_id for _id, (_order, image_id) in ordered))

    # Posts waiting for their media ---------------------------------------------------

    def pending_of(self, item: wxr.Item) -> dict | None:
        """What a post imported without some of its media keeps, for the run that brings them."""
        if not self.waiting:
            return None
        categories = {}
        for term in item.terms:
            slug = term.slug
            while term.taxonomy == "category" and slug in self.index.categories and slug not in categories:
                categories[slug] = asdict(self.index.categories[slug])
                slug = self.index.categories[slug].parent_slug
        # The reusable blocks it shows, which the file bringing its media will not hold.
        refs = set(re.findall(r'wp:block\s*\{[^}]*"ref"\s*:\s*(\d+)', item.content or ""))
        blocks = {ref: text for ref, text in getattr(self.index, "blocks", {}).items() if ref in refs}
        return {
            "waiting": sorted(self.waiting),
            "item": item_data(item),
            "categories": categories,
            "blocks": blocks,
        }

    def finish_waiting_posts(self) -> None:
        """Convert again the posts of earlier runs (or files) that waited for a file this run brought."""
        if not self.brought:
            return
        rows = (
            ImportedItem.objects.of(self.source, Kind.POST)
            .filter(pending__isnull=False, article__isnull=False)
            .values_list("pk", "wordpress_id", "pending__waiting")
        )
        # Only what they wait for is read for all of them (their data, one post at a time: memory stays flat).
        # A post of this very file was converted with what it had: not a list of ids in the query, which a
        # 10,000-post file would pass whole to the database.
        found = [pk for pk, wordpress_id, waiting in rows.iterator() if wordpress_id not in self.posts_seen
                 and set(waiting or []) & self.brought]  # fmt: skip
        self.finishing_waiting = True
        for pk in found:
            pending = ImportedItem.objects.filter(pk=pk).values_list("pending", flat=True).first()
            if not pending:
                continue
            item = item_from(pending["item"])
            for slug, term in (pending.get("categories") or {}).items():
                self.index.categories.setdefault(slug, wxr.Term(**term))
            if hasattr(self.index, "blocks"):
                for ref, text in (pending.get("blocks") or {}).items():
                    self.index.blocks.setdefault(ref, text)
            self.prepare_chunk([item])  # its rows and its comments' read, as for the file's posts
            self.import_post(item)


def _number(value: str) -> int:
    return int(value) if value.isdigit() else 0
