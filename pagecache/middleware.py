"""The page cache for anonymous readers, shared by every worker process of every app server.

A page is kept only when the view said what it shows (``pagecache.tag``) and the
response is the same for everybody: asked for without any of our cookies, status 200,
no cookie set, nothing private in ``Cache-Control``, no ``Vary: Cookie``. Everything
else (staff pages, previews, a reader's own held comment, forms with errors) goes
straight through and is never stored.

A page is kept only under its own address, the one its links name: a query string equal
to the one its view read (``pagecache.canonical_query``), in that one spelling. Anything
else a reader may type or a robot may invent (``?page=02``, ``?page=1&page=1``, a reply
to no comment) is served, rendered each time, and never kept: thousands of spellings of
one page cannot fill the cache. An address keeps at most ``MAX_VARIANTS`` queries besides
its bare form, whatever they are.

A stored page is kept with its gzip form and its headers ready to copy, so that a hit costs one
cache read (the page, the purge clock and its tags' marks together) and no compression; its ETag is
a hash of the page, stable while the page is. A page found stale after a purge is rendered by one
request while the others are served the old copy, a few seconds at most (``serves_stale``).
"""

import gzip
import hashlib
import math
import os
import re
import secrets
import time
from dataclasses import dataclass
from functools import cached_property
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
# Per address (host and path), the queries kept for it: a list's numbered pages, an article's
# pages of comments. Past this many, another query is served and not kept until the list expires.
VARIANTS_KEY_PREFIX = "pagecache:variants:"
MAX_VARIANTS = 50
# Per copy of a page found stale, when one worker began rendering it again (see ``serves_stale``).
REVALIDATING_KEY_PREFIX = "pagecache:revalidating:"
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


# A weight in Accept-Encoding: 0 to 1, three decimals at most.
QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether the client asked for gzip at least as much as for no coding at all (RFC 9110, 12.5.3).

    No header: the plain page (what clients that never sent one always got). ``gzip;q=0``, or
    gzip left out without ``*``, refuses gzip; ``identity;q=0`` or a weight below identity's
    is honoured too. A weight that is not one (``q=2``, ``q=abc``) counts as a refusal.
    """
    if accept_encoding is None:
        return False
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        coding, *parameters = (piece.strip() for piece in part.split(";"))
        if not coding:
            continue
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                weight = float(value.strip()) if QVALUE.fullmatch(value.strip()) else 0.0
        weights[coding.lower()] = weight
    star = weights.get("*")
    gzip_weight = weights.get("gzip", weights.get("x-gzip", star or 0.0))
    # Identity is acceptable unless excluded; unnamed, it is only the client's last choice.
    identity_weight = weights.get("identity", star)
    return gzip_weight > 0 and (identity_weight is None or gzip_weight >= identity_weight)


@dataclass(frozen=True)
class Address:
    """Where a page is kept: the release, scheme, host and path, then its query in one order."""

    place: str
    query: tuple[tuple[str, str], ...]

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.place}|{urlencode(self.query)}".encode()).hexdigest()

    @property
    def key(self) -> str:
        return PAGE_KEY_PREFIX + self.digest

    def lock_key(self, entry: dict) -> str:
        """Taken by the one request that renders again this copy of the page, found stale.

        One per copy, never released: a request that found the old copy just before the new one was
        stored must not take it again and render a second time."""
        return f"{REVALIDATING_KEY_PREFIX}{self.digest}:{entry['copy']}"

    @property
    def variants_key(self) -> str:
        return VARIANTS_KEY_PREFIX + hashlib.sha256(self.place.encode()).hexdigest()


# What the X-Cache header says of an answer (the HTTP benchmark counts renders by it): served from the
# cache, rendered here (and stored), or an old copy served while another worker renders the page.
HIT = "HIT"
MISS = "MISS"
STALE = "STALE"


@dataclass(frozen=True)
class Lookup:
    entry: dict | None  # the stored page, valid or not
    fresh: bool
    clock: int | None  # the clock's value read with it, None when the cache held none


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

    def address(self, request) -> Address | None:
        """Where the page for this request is kept, or None if it is not an address we keep."""
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
        return Address(f"{self.release}|{request.scheme}|{host}|{request.path}", tuple(sorted(kept)))

    # The request -------------------------------------------------------------------

    def __call__(self, request):
        # Before any lookup: a page purged while the cache was out of reach must not be served.
        core.replay_failed_purges()
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        personal = self.personal(request)
        address = None if personal else self.address(request)
        if address is None:
            response, record = self.render(request, clock=0)
            if personal and record.keepable:
                # The same address for everybody else is public: a shared cache must not keep this one.
                patch_cache_control(response, private=True)
            return response
        found = self.lookup(address.key)
        if found.fresh:
            return self.answer(request, found.entry, HIT)
        if found.entry is not None and self.serves_stale(address, found.entry):
            return self.answer(request, found.entry, STALE)
        # The clock was read with the page, before the view reads the database: see core's docstring.
        response, record = self.render(request, clock=core.read_clock(found.clock))
        entry = self.keep(address, record, response)
        if entry is None and found.entry is not None:
            # The page found stale is not kept any more (it is gone, or no longer for everybody): the old
            # copy goes, so that nobody is served it after this render.
            core.page_cache().delete(address.key)
        return response if entry is None else self.answer(request, entry, MISS)

    def render(self, request, clock: int) -> tuple:
        """The view's response, and what the view said of its page."""
        record = core.PageRecord(clock=clock)
        token = core._current_page.set(record)
        try:
            return self.get_response(request), record
        finally:
            core._current_page.reset(token)

    def keep(self, address: Address, record: core.PageRecord, response) -> dict | None:
        """Store the page the view rendered, if it may be kept: the entry stored, or None."""
        if not record.keepable or not self.storable(response):
            return None  # not a page its view offered to keep, or not one for everybody
        # Another spelling of a real page, or a value its view ignored or refused: served as it is,
        # never kept. Not redirected: the view has already rendered what the reader asked for, a
        # redirect would cost a second request, and search engines follow <link rel="canonical">.
        if address.query != tuple(sorted(record.query.items())):
            return None
        if address.query and not self.admit_variant(address):
            return None
        return self.store(address.key, record, response)

    def lookup(self, key: str) -> Lookup:
        """The stored page and whether it is still valid, with the clock: one read of the shared cache
        (two the first time this process sees a page, or when its tags changed)."""
        guessed = self.known_tags.get(key, ())
        found = core.page_cache().get_many([key, core.CLOCK_KEY, *(core.tag_key(t) for t in guessed)])
        entry = found.get(key)
        clock = found.get(core.CLOCK_KEY)
        if entry is None:
            return Lookup(None, False, clock)
        tags = entry["tags"]
        if tags == guessed:
            marks = [found.get(core.tag_key(t)) for t in tags]
        else:
            marks = core.tag_marks(tags).values()
            self.remember_tags(key, tags)
        page_clock = entry["clock"]
        fresh = time.time() < entry["expires"] and all(mark is not None and mark <= page_clock for mark in marks)
        return Lookup(entry, fresh, clock)

    # Stale while revalidate ----------------------------------------------------------

    def serves_stale(self, address: Address, entry: dict) -> bool:
        """For a stored page no longer valid (purged, or expired): whether to serve it as it is while
        another worker renders it again (True), or to render it here (False).

        The first request to find this copy stale takes its lock (an atomic ``add``) and renders; the
        others get the old copy, for ``PAGE_CACHE_REVALIDATE_SECONDS`` at most from when the lock was
        taken: past that (a render too slow, a worker gone), every request renders, as on a miss. Never
        for a page with a tag purged at once (``core.purge(at_once=True)``), nor when the at-once marks
        cannot be read: withdrawn content is not shown again, not even for a second.
        """
        window = settings.PAGE_CACHE_REVALIDATE_SECONDS
        now = time.time()
        if window <= 0 or now >= entry["expires"] + window:
            return False
        cache = core.page_cache()
        at_once_keys = [core.at_once_key(t) for t in entry["tags"]]
        lock_key = address.lock_key(entry)
        found = cache.get_many([*at_once_keys, lock_key])
        page_clock = entry["clock"]
        if not all((mark := found.get(key)) is not None and mark <= page_clock for key in at_once_keys):
            return False
        since = found.get(lock_key)
        if since is not None:
            return now - since < window
        # Kept as long as the copy may be: past its window, it tells the requests after it to render.
        return not cache.add(lock_key, now, timeout=max(1, math.ceil(entry["expires"] + window - now)))

    # Storing -------------------------------------------------------------------------

    @staticmethod
    def admit_variant(address: Address) -> bool:
        """Whether a page with a query may be kept: yes for a query its address already keeps, or while
        it keeps fewer than ``MAX_VARIANTS``.

        The list lives as long as the pages it names may (it is written again with each), so a page
        stored again after a purge keeps its place. Two servers adding a query at the same moment may
        each write the list without the other's query: the bound holds within a few queries.
        """
        cache = core.page_cache()
        kept = cache.get(address.variants_key) or ()
        query = urlencode(address.query)
        if query not in kept:
            if len(kept) >= MAX_VARIANTS:
                return False
            kept = (*kept, query)
        cache.set(address.variants_key, kept, timeout=settings.PAGE_CACHE_SECONDS)
        return True

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
        tags = tuple(sorted(record.tags | {core.SITE_TAG}))
        etag = f'W/"{hashlib.sha256(body).hexdigest()[:32]}"'
        # Every header but those that depend on the request or the moment, ready to be copied on a hit.
        headers = [(name, value) for name, value in response.items() if name.lower() not in NOT_STORED_HEADERS]
        headers += [
            ("ETag", etag),
            ("Last-Modified", http_date(now)),
            ("Vary", "Accept-Encoding"),
            ("Cache-Tag", ",".join(tags)),
            ("Surrogate-Key", " ".join(tags)),
        ]
        entry = {
            "clock": record.clock,
            "tags": tags,
            "expires": expires,
            "stored": now,
            # Which copy this is, for its lock: not its time, which two copies may share (a coarse clock).
            "copy": secrets.token_hex(8),
            "headers": headers,
            "body": body,
            "gzip": gzip.compress(body, compresslevel=6, mtime=0),
            "etag": etag,
        }
        core.ensure_marks(tags)
        # Kept a little beyond its expiry, so that an expired copy can be served while one worker renders it.
        lifetime = math.ceil(expires - now) + max(0, settings.PAGE_CACHE_REVALIDATE_SECONDS)
        core.page_cache().set(key, entry, timeout=lifetime)
        self.remember_tags(key, tags)
        return entry

    # The answer --------------------------------------------------------------------

    def answer(self, request, entry: dict, outcome: str):
        compressed = accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING"))
        body = entry["gzip"] if compressed else entry["body"]
        response = HttpResponse(b"" if request.method == "HEAD" else body)
        for name, value in entry["headers"]:
            response[name] = value
        if compressed:
            response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(body))
        if outcome == STALE:
            # Already old: no other cache may keep it, a CDN must ask again (and get the new page).
            response["Cache-Control"] = "no-store"
        else:
            # Browsers ask again each time (a 304 is cheap); shared caches keep it until a purge or expiry.
            remaining = max(1, int(entry["expires"] - time.time()))
            response["Cache-Control"] = (
                f"public, max-age=0, s-maxage={remaining}, stale-while-revalidate={settings.PAGE_CACHE_STALE_SECONDS}"
            )
        response["X-Cache"] = outcome
        # A repeat visit with the same ETag (or not modified since) gets a 304, by Django's own rules.
        return get_conditional_response(
            request, etag=entry["etag"], last_modified=int(entry["stored"]), response=response
        )
