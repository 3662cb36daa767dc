"""``manage.py generate_newsroom``: the benchmark's synthetic archive (bench/generator.py).

Only available with ``DJANGO_SETTINGS_MODULE=bench.settings``: it writes thousands of
made-up articles and refuses a database that already holds any.
"""

import json

from django.core.management.base import BaseCommand

from bench.generator import generate


class Command(BaseCommand):
    help = "Write a synthetic newsroom archive (articles, links, comments) into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--comments", type=int, default=None, help="default: 10 per article")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", action="store_true", dest="as_json", help="print a summary as JSON on stdout")

    def handle(self, *args, articles, comments, seed, as_json, **options):
        comments = articles * 10 if comments is None else comments
        # Progress lines go straight to stderr: stdout keeps only the JSON summary.
        summary = generate(articles, comments, seed=seed)
        if as_json:
            self.stdout.write(_json(summary))


def _json(summary) -> str:
    return json.dumps(
        {
            "articles": summary.articles,
            "comments": summary.comments,
            "approved_comments": summary.approved_comments,
            "thread_article_ids": summary.thread_article_ids,
            "seconds": summary.seconds,
        }
    )
