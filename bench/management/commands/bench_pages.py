"""``manage.py bench_pages``: the pages the HTTP benchmark measures, with their SQL queries, as JSON.

Each page is requested in this process through the test client, as the tests do:
first with an empty cache (« cold »: what the query budget counts), then again
(« warm »: the section menu cached). Run it with the page cache off, so that the
second request is rendered too.
"""

import json

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.pages import reader_pages


class Command(BaseCommand):
    help = "Print the benchmark's reader pages with their SQL query counts (cold and warm cache) as JSON."

    def handle(self, *args, **options):
        client = Client()
        pages = []
        for name, url in reader_pages():
            counts = []
            cache.clear()
            for _ in range(2):
                try:
                    with CaptureQueriesContext(connection) as queries:
                        response = client.get(url)
                except Exception as error:
                    raise CommandError(f"The {name} page ({url}) failed: {error!r}") from error
                if response.status_code != 200:
                    raise CommandError(f"The {name} page ({url}) answered {response.status_code}.")
                counts.append(len(queries.captured_queries))
            pages.append({"name": name, "url": url, "queries_cold": counts[0], "queries_warm": counts[1]})
        self.stdout.write(json.dumps(pages))
