"""The page cache for anonymous readers, shared by every worker process of every app server.

A page is kept only when the view said what it shows (``pagecache.tag``) and the
response is the same for everybody: asked for without any of our cookies, status 200,
no cookie set, nothing private in ``Cache-Control``, no ``Vary: Cookie``. Everything
else (staff pages, previews, a reader's own held comment, forms with errors) goes
straight through and is never stored.

A stored page is kept with its gzip form, so that a hit costs two cache reads and no
compression; its ETag is a hash of the page, stable while the page is.
"""

import gzip
import hashlib
import math
import os
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from . import core

PAGE_KEY_PREFIX = "pagecache:page:"
# Page keys whose tag names this process remembers (not their marks, always read from the shared cache).
KNOWN_TAGS_LIMIT = 20_000
# Headers rebuilt for each answer, or that must never be replayed to another reader.
NOT_STORED_HEADERS = {
    "set-cookie",
    "date",
    "content-length",
    "content-encoding",
    "etag",
    "last-modified",
    "cache-control",
    "expires",
    "vary",
    "cache-tag",
    "surrogate-key",
    "x-cache",
}
# Added by newsletters and social networks to links; no page reads them.
TRACKING_PARAMETERS = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga"}


# What makes a page: the code and templates that render it, and the static files it names.
RELEASE_FILE_SUFFIXES = (".py", ".html", ".txt", ".xml", ".po", ".mo")
RELEASE_SKIPPED_FOLDERS = {"var", "tests", "node_modules", "__pycache__"}


def code_fingerprint(root: Path) -> str:
    """A hash of the project's code and templates under ``root`` (names and contents)."""
    digest = hashlib.sha256()
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d not in RELEASE_SKIPPED_FOLDERS)
        for name in sorted(files):
            if name.endswith(RELEASE_FILE_SUFFIXES):
                path = Path(folder, name)
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def release_id() -> str:
    """Pages kept by one release are never served by another: a deployment that changes a template,
    the code or the fingerprinted CSS starts a new set of pages (and servers of two releases, during a
    rolling deployment, never share one)."""
    if settings.PAGE_CACHE_RELEASE:
        return settings.PAGE_CACHE_RELEASE
    parts = [code_fingerprint(Path(settings.BASE_DIR))]
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if manifest:
        try:
            with staticfiles_storage.open(manifest) as handle:
                parts.append(hashlib.sha256(handle.read()).hexdigest()[:16])
        except OSError:
            pass
    return "-".join(parts)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.release = release_id()
        # A page's tags rarely change: knowing them lets one read fetch the page and its marks together.
        self.known_tags: dict[str, tuple[str, ...]] = {}

    # Which requests --------------------------------------------------------------

    def personal(self, request) -> bool:
        """A request carrying one of our cookies gets its own page: a held comment, a staff session…"""
        return any(request.COOKIES.get(name) for name in core.personal_cookie_names())

    def page_key(self, request) -> str | None:
        """The key of the page for this address, or None if the address is not one we keep."""
        kept = []
        for name, values in request.GET.lists():
            if name in settings.PAGE_CACHE_QUERY_PARAMETERS:
                kept.extend((name, value) for value in values)
            elif not (name.startswith("utm_") or name in TRACKING_PARAMETERS):
                return None  # an address no view expects: served, never kept, cannot flood the cache
        try:
            host = request.get_host()
        except DisallowedHost:
            return None
        address = f"{self.release}|{request.scheme}|{host}|{request.path}|{urlencode(sorted(kept))}"
        return PAGE_KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()

    # The request -------------------------------------------------------------------

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        personal = self.personal(request)
        key = None if personal else self.page_key(request)
        if key is not None:
            entry = self.lookup(key)
            if entry is not None:
                return self.answer(request, entry, "HIT")
        # The clock is read before the view reads the database: see core's docstring.
        record = core.PageRecord(clock=core.read_clock() if key is not None else 0)
        token = core._current_page.set(record)
        try:
            response = self.get_response(request)
        finally:
            core._current_page.reset(token)
        if not record.keepable:
            return response  # not a page its view offered to keep
        if personal:
            # The same address for everybody else is public: a shared cache must not keep this one.
            patch_cache_control(response, private=True)
            return response
        if key is None or not self.storable(response):
            return response
        entry = self.store(key, record, response)
        if entry is None:
            return response
        return self.answer(request, entry, "MISS")

    def lookup(self, key: str) -> dict | None:
        """The stored page if it is still valid: one read of the shared cache, two when its tags changed."""
        guessed = self.known_tags.get(key, ())
        found = core.page_cache().get_many([key, *(core.tag_key(t) for t in guessed)])
        entry = found.get(key)
        if entry is None or time.time() >= entry["expires"]:
            return None
        tags = tuple(entry["tags"])
        if tags == guessed:
            marks = [found.get(core.tag_key(t)) for t in tags]
        else:
            marks = list(core.tag_marks(tags).values())
            self.remember_tags(key, tags)
        return entry if all(mark is not None and mark <= entry["clock"] for mark in marks) else None

    def remember_tags(self, key: str, tags: tuple[str, ...]) -> None:
        if len(self.known_tags) >= KNOWN_TAGS_LIMIT:
            self.known_tags.clear()
        self.known_tags[key] = tags

    @staticmethod
    def storable(response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if response.has_header("Content-Encoding"):
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False
        vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
        return vary <= {"accept-encoding"}

    def store(self, key: str, record: core.PageRecord, response) -> dict | None:
        now = time.time()
        expires = now + settings.PAGE_CACHE_SECONDS
        for moment in (record.until, core.next_change(record.tags, now)):
            if moment is not None:
                expires = min(expires, moment)
        if expires - now < 1:
            return None
        body = response.content
        entry = {
            "clock": record.clock,
            "tags": sorted(record.tags | {core.SITE_TAG}),
            "expires": expires,
            "stored": now,
            "headers": [(name, value) for name, value in response.items() if name.lower() not in NOT_STORED_HEADERS],
            "body": body,
            "gzip": gzip.compress(body, compresslevel=6, mtime=0),
            "etag": f'W/"{hashlib.sha256(body).hexdigest()[:32]}"',
        }
        core.ensure_marks(entry["tags"])
        core.page_cache().set(key, entry, timeout=math.ceil(expires - now))
        self.remember_tags(key, tuple(entry["tags"]))
        return entry

    # The answer --------------------------------------------------------------------

    def answer(self, request, entry: dict, outcome: str):
        response = HttpResponse()
        for name, value in entry["headers"]:
            response[name] = value
        compressed = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "").lower()
        body = entry["gzip"] if compressed else entry["body"]
        if compressed:
            response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(body))
        response.content = b"" if request.method == "HEAD" else body
        remaining = max(1, int(entry["expires"] - time.time()))
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = http_date(entry["stored"])
        response["Vary"] = "Accept-Encoding"
        # Browsers ask again each time (a 304 is cheap); shared caches keep it until a purge or expiry.
        response["Cache-Control"] = (
            f"public, max-age=0, s-maxage={remaining}, stale-while-revalidate={settings.PAGE_CACHE_STALE_SECONDS}"
        )
        response["Cache-Tag"] = ",".join(entry["tags"])
        response["Surrogate-Key"] = " ".join(entry["tags"])
        response["X-Cache"] = outcome
        # A repeat visit with the same ETag (or not modified since) gets a 304, by Django's own rules.
        return get_conditional_response(
            request, etag=entry["etag"], last_modified=int(entry["stored"]), response=response
        )
