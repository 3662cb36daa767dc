"""The public, stable address of a document: /documents/<id>/, the file itself.

It stays the same when the file is replaced, so articles link to it rather than to the
stored file's random name. Answers byte ranges (``Range: bytes=…``), without which Safari
plays no video and no browser can seek in one. On object storage (S3), a public PDF, audio or
video is a redirect to the bucket's address instead, which answers ranges itself. Never kept by
the page cache: the view does not tag its page (``pagecache.tag``), and a streamed response is
never stored anyway.
"""

import re

from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date
from django.views.decorators.http import require_safe

from images.models import stores_local_files

from . import visibility
from .models import Document

# Browsers and shared caches may keep a file an hour, then ask again (a 304 while it is unchanged):
# a replaced file gets a new ETag, and a withdrawn one (deleted, or hidden by a rule) is gone from
# here at once, and from every cache within the hour.
CACHE_SECONDS = 60 * 60
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


@require_safe
def document(request, pk: int):
    document = get_object_or_404(Document, pk=pk)
    private = visibility.hidden_from_readers(document)
    if private and not request.user.has_perm("documents.view_document"):
        raise Http404
    etag = f'"{document.pk}-{document.file.name.rsplit("/", 1)[-1]}-{document.size}"'
    last_modified = int(document.updated_at.timestamp())
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return headers(not_modified, document, etag, last_modified, private)
    if document.format.inline and not private and not stores_local_files(document.file.storage):
        return stored_file_redirect(document, etag, last_modified)
    # Streamed from the storage: a local file, or what the bucket cannot say itself (an office file's
    # name from its title, a document hidden from readers), read into a temporary file first.
    try:
        stored = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # A range is honoured only for the file the browser asked about (If-Range: its ETag or date).
    if_range = request.headers.get("If-Range")
    whole = if_range is not None and if_range not in (etag, http_date(last_modified))
    response = ranged_response(request, stored, document, whole=whole)
    return headers(response, document, etag, last_modified, private)


def stored_file_redirect(document: Document, etag: str, last_modified: int):
    """On object storage, send a public PDF, audio or video to the bucket's (or CDN's) address.

    The cheapest correct answer there: the bucket answers byte ranges, types and caching itself,
    and a 500 Mo video no longer holds an app server's worker for the whole download. A replaced
    file has a new name, so the redirect is kept no longer than the file would be (an hour).
    """
    response = HttpResponseRedirect(document.file.url)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


def ranged_response(request, stored, document: Document, *, whole: bool):
    """The whole file, or the one byte range asked for (206), or 416 for a range beyond the file."""
    size = document.size
    asked = None if whole else _RANGE.fullmatch(request.headers.get("Range", "").strip())
    if asked is None or not any(asked.groups()):
        return FileResponse(stored, content_type=document.content_type)
    first, last = asked.groups()
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:  # « bytes=-500 »: the last 500 bytes
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        stored.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    stored.seek(start)
    response = FileResponse(_limited(stored, end - start + 1), status=206, content_type=document.content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    return response


def _limited(stored, length: int, chunk_size: int = 64 * 1024):
    """``length`` bytes of an open file from where it stands, in chunks; closes it when done."""
    try:
        while length > 0:
            chunk = stored.read(min(chunk_size, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        stored.close()


def headers(response, document: Document, etag: str, last_modified: int, private: bool):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Accept-Ranges"] = "bytes"
    # Shown by the browser (PDF, audio, video) or saved (office files), under the title's name.
    response["Content-Disposition"] = content_disposition_header(not document.format.inline, document.download_name)
    # The type is ours, read from the bytes: a browser must not guess another (HTML) from them.
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
