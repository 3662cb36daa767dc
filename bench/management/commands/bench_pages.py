"""``manage.py bench_pages``: the pages the HTTP benchmark measures, with their SQL queries, as JSON.

Each page is requested in this process through the test client, as the tests do:
first with an empty cache (« cold »: what the query budget counts), then again
(« warm »: the section menu cached), with the page cache off so that the second
request is rendered too. The empty cache is a private one, in this process's memory:
the shared cache (Redis, which the benchmark's servers use) is never cleared or written.
"""

import json

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bench.pages import reader_pages, sitemap_pages


class Command(BaseCommand):
    help = "Print the benchmark's reader pages with their SQL query counts (cold and warm cache) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--sitemaps", action="store_true", help="list the sitemaps instead (names and URLs)")

    def handle(self, *args, **options):
        if options["sitemaps"]:
            self.stdout.write(json.dumps([{"name": name, "url": url} for name, url in sitemap_pages()]))
            return
        private = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench-pages"}
        with override_settings(CACHES={"default": private}, PAGE_CACHE_SECONDS=0):
            pages = self.count_queries()
        self.stdout.write(json.dumps(pages))

    def count_queries(self) -> list[dict]:
        client = Client()
        pages = []
        for name, url in reader_pages():
            counts = []
            cache.clear()  # the private cache above: nothing another process reads
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
        return pages
