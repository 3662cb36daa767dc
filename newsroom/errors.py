"""The page for a server error: a 503 to come back to when the database is out of reach, a 500 otherwise.

Both are standalone templates (no menu, no query): they must render when nothing else does. The
error itself is logged, and mailed to ADMINS, by Django as for any 500 (see settings.LOGGING).
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

# How soon a reader's browser, a feed reader or a search engine may try again.
RETRY_AFTER_SECONDS = 60


def database_unreachable(error: BaseException | None) -> bool:
    """PostgreSQL stopped or unreachable, SQLite locked or missing: the database cannot answer for now."""
    return isinstance(error, (OperationalError, InterfaceError))


def server_error(request):
    error = sys.exc_info()[1]  # Django calls this handler while handling the exception
    if database_unreachable(error):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
