"""``manage.py bench_edits``: one real edit of an article per second, for the HTTP benchmark's
edit phase (the stampede measure of scripts/bench_http.py).

Each edit changes the article's standfirst and saves it through the model, as the admin's save
does: the page cache's receivers purge the article page and every list showing its card (the
front page among them), and the search data is updated. The command prints « ready » once
Django is set up, edits for ``--seconds``, puts the standfirst back, and prints as JSON how
many saves it made (the one putting the standfirst back included) and how long each took.
"""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from bench.pages import commented_article


class Command(BaseCommand):
    help = "Edit an article once a second (its standfirst, saved as the admin saves), then restore it."

    def add_arguments(self, parser):
        parser.add_argument("--article", type=int, help="the article's id (default: the article page measured)")
        parser.add_argument("--seconds", type=float, default=10, help="how long to edit (default 10)")
        parser.add_argument("--every", type=float, default=1.0, help="seconds between edits (default 1)")

    def handle(self, *args, article=None, seconds, every, **options):
        found = Article.objects.filter(pk=article).first() if article else commented_article()
        if found is None:
            raise CommandError("No article to edit.")
        original = found.standfirst
        self.stdout.write("ready")
        self.stdout.flush()
        started = time.monotonic()
        save_ms = []
        try:
            # Half a period in: the caller starts its load as soon as it reads « ready ».
            while (due := started + every * (len(save_ms) + 0.5)) < started + seconds:
                time.sleep(max(0.0, due - time.monotonic()))
                found.standfirst = f"{original} (mise à jour {len(save_ms) + 1})"
                begun = time.perf_counter()
                found.save()
                save_ms.append(round((time.perf_counter() - begun) * 1000, 1))
        finally:
            # A save like the others, while the load still runs: counted with them.
            found.standfirst = original
            begun = time.perf_counter()
            found.save()
            save_ms.append(round((time.perf_counter() - begun) * 1000, 1))
        self.stdout.write(json.dumps({"article": found.pk, "edits": len(save_ms), "save_ms": save_ms}))
