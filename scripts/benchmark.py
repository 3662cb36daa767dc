#!/usr/bin/env python
"""Benchmark of the reader pages: SQL queries, HTML weight and latency, against our budgets.

What it measures, for the home page, a section page and its page 2, a territory page
(the région, so every place inside it counts), a personality page, a tag page and an
article page:

- SQL queries per request, with an empty cache (« cold », what the tests see) and once
  the menu cache is warm; the budget is at most 8 queries per reader page, cold;
- the size of the HTML in bytes;
- latency over ``--repeat`` requests after ``--warmup`` untimed ones: mean, p50, p95,
  p99 in milliseconds, and requests per second for a single process and thread;
- for the article page, the weight of HTML + linked CSS/JS (read from the static
  finders) and the number of requests before images (1 + CSS/JS files); the budget is
  under 50 000 bytes in at most 5 requests.

Every request goes through ``django.test.Client`` in-process with DEBUG off: the full
middleware, view and template cycle, without network, WSGI server or TLS, on a
database connection kept open between requests. Figures are for comparing changes on
one machine, not for capacity planning.

By default the script migrates a throwaway SQLite database in a temporary folder and
fills it with synthetic content through the ORM (5 sections, a région with 3
départements, 30 communes and a grouping, 20 personalities, 50 tags, ``--articles``
articles). ``--database-url`` (or the environment variable ``BENCH_DATABASE_URL``)
benchmarks another, empty, database instead, e.g. PostgreSQL: it is migrated, then the
content is written and measured in one transaction, rolled back at the end.
``DATABASE_URL`` is deliberately ignored, so the benchmark never writes to the database
the site uses.

Run it with ``make bench`` or::

    python scripts/benchmark.py                      # 2000 articles, 200 timed requests per page
    python scripts/benchmark.py --articles 500 --repeat 50
    python scripts/benchmark.py --json               # the same figures, as JSON
    python scripts/benchmark.py --database-url postgres://postgres@localhost/newsroom_bench

It always exits 0 once the figures are printed: pages over budget are reported, not failed.
"""

import argparse
import atexit
import json
import math
import os
import platform
import random
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent

QUERY_BUDGET = 8
ARTICLE_WEIGHT_BUDGET = 50_000  # bytes of HTML + CSS + JS, before images
ARTICLE_REQUEST_BUDGET = 5  # the HTML and its CSS/JS files
MIN_ARTICLES = 100  # below this, a section has no page 2 to measure

# Synthetic content ---------------------------------------------------------------

# The vocabulary and the table layout are shared with the HTTP benchmark (bench/).
sys.path.insert(0, str(PROJECT_ROOT))
from bench.tools import format_table  # noqa: E402
from bench.vocabulary import (  # noqa: E402
    COMMUNES_BY_DEPARTEMENT,
    FIRST_NAMES,
    GROUPING,
    HEADLINES,
    LAST_NAMES,
    QUOTES,
    REGION,
    ROLES,
    SECTIONS,
    SENTENCES,
    TAG_NAMES,
)

PARAGRAPHS_PER_ARTICLE = 5
SENTENCES_PER_PARAGRAPH = 5


# Command line and Django set-up ---------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles to create (default 2000)")
    parser.add_argument("--repeat", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page first (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the synthetic content (default 1)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="an empty database to use instead of a throwaway SQLite one (default: $BENCH_DATABASE_URL)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    args = parser.parse_args(argv)
    if args.articles < MIN_ARTICLES:
        parser.error(f"--articles must be at least {MIN_ARTICLES}, so that a section has a page 2")
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat must be at least 1 and --warmup at least 0")
    return args


def setup_django(database_url: str) -> None:
    """Point Django at the benchmark database with production settings (DEBUG off, cached
    templates, WhiteNoise serving collected static files), as an app server runs."""
    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    # Read by newsroom/settings.py at import: set before django.setup(), whatever the shell exported.
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    # The test client speaks plain HTTP; TLS belongs to the proxy in production.
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    # What is measured here is each page's own work, as the tests count it: the page cache off
    # (scripts/bench_http.py measures it under load) and a cache of this process alone.
    os.environ["NEWSROOM_PAGE_CACHE_SECONDS"] = "0"
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_CACHE_BACKEND"] = "django.core.cache.backends.locmem.LocMemCache"
    static_root = tempfile.mkdtemp(prefix="newsroom-bench-static-")
    atexit.register(shutil.rmtree, static_root, ignore_errors=True)
    os.environ["DJANGO_STATIC_ROOT"] = static_root

    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)


def log(message: str) -> None:
    """Progress goes to stderr, so that stdout holds only the figures (and valid JSON)."""
    print(message, file=sys.stderr, flush=True)


# Synthetic data ------------------------------------------------------------------


@dataclass
class ReaderPages:
    """The address of each page measured, chosen from the synthetic content."""

    home: str
    section: str
    territory: str
    personality: str
    tag: str
    article: str

    def as_list(self) -> list[tuple[str, str]]:
        return [
            ("home", self.home),
            ("section", self.section),
            ("territory (région)", self.territory),
            ("personality", self.personality),
            ("tag", self.tag),
            ("article", self.article),
            ("section, page 2", f"{self.section}?page=2"),
        ]


def slug_of(name: str) -> str:
    from django.utils.text import slugify

    # slugify() drops « œ » instead of spelling it out.
    return slugify(name.replace("œ", "oe").replace("Œ", "Oe"))


def bulk_create(model: Any, objects: list[Any]) -> list[Any]:
    """Insert rows in batches and insist on getting their primary keys back, which the links need."""
    created = model.objects.bulk_create(objects, batch_size=500)
    if created and created[0].pk is None:
        raise RuntimeError(f"This database does not return primary keys from bulk inserts of {model.__name__}.")
    return created


def create_sections() -> list[Any]:
    from articles.models import Section

    return bulk_create(
        Section,
        [
            Section(name=name, slug=slug_of(name), description=description, menu_position=position)
            for position, (name, description) in enumerate(SECTIONS, start=1)
        ],
    )


def create_territories() -> tuple[Any, list[Any], list[Any]]:
    """The région, its départements, their communes and one grouping: (région, communes, other places)."""
    from articles.models import Territory

    def place(name: str, kind: str, parent: Any = None) -> Any:
        return Territory(name=name, slug=slug_of(name), kind=kind, parent=parent)

    (region,) = bulk_create(Territory, [place(REGION, Territory.Kind.REGION)])
    departements = bulk_create(
        Territory, [place(name, Territory.Kind.DEPARTEMENT, region) for name in COMMUNES_BY_DEPARTEMENT]
    )
    communes = bulk_create(
        Territory,
        [
            place(name, Territory.Kind.COMMUNE, departement)
            for departement in departements
            for name in COMMUNES_BY_DEPARTEMENT[departement.name]
        ],
    )
    grouping_name, member_names = GROUPING
    (grouping,) = bulk_create(Territory, [place(grouping_name, Territory.Kind.GROUPING, region)])
    membership = Territory.groupings.through
    bulk_create(
        membership,
        [
            membership(from_territory_id=commune.pk, to_territory_id=grouping.pk)
            for commune in communes
            if commune.name in member_names
        ],
    )
    # bulk_create() sends no signal: compute the containment the territory page relies on.
    Territory.objects.rebuild_containers()
    return region, communes, [*departements, grouping]


def create_personalities() -> list[Any]:
    from articles.models import Personality

    people = []
    for index in range(20):
        # The second ten reuse the first names with another family name, so every name is unique.
        first_name = FIRST_NAMES[index % len(FIRST_NAMES)]
        last_name = LAST_NAMES[(index * 3 + index // len(FIRST_NAMES)) % len(LAST_NAMES)]
        name = f"{first_name} {last_name}"
        people.append(Personality(name=name, slug=slug_of(name), role=ROLES[index % len(ROLES)]))
    return bulk_create(Personality, people)


def create_journalists() -> list[Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    user_model = get_user_model()
    return bulk_create(
        user_model,
        [
            user_model(
                username=f"journaliste{index}",
                first_name=FIRST_NAMES[index],
                last_name=LAST_NAMES[-1 - index],
                is_staff=True,
                password=make_password(None),
            )
            for index in range(8)
        ],
    )


def create_tags() -> list[Any]:
    from taggit.models import Tag

    return bulk_create(Tag, [Tag(name=name, slug=slug_of(name)) for name in TAG_NAMES])


def write_article(rng: random.Random, place: str, person: str) -> tuple[str, str, str]:
    """A French-ish title, standfirst and five-paragraph body naming the article's place and person."""
    headline = rng.choice(HEADLINES)
    title = rng.choice([f"À {place}, {headline}", f"{place} : {headline}", f"{person} : « {rng.choice(QUOTES)} »"])
    standfirst = f"{headline[0].upper()}{headline[1:]} à {place}. {rng.choice(SENTENCES)}".format(
        place=place, person=person
    )
    paragraphs = [
        " ".join(rng.sample(SENTENCES, SENTENCES_PER_PARAGRAPH)).format(place=place, person=person)
        for _ in range(PARAGRAPHS_PER_ARTICLE)
    ]
    return title, standfirst, "\n\n".join(paragraphs)


def publication(rng: random.Random, index: int, count: int, now: datetime) -> tuple[str, datetime | None]:
    """Mostly published over the last two years, newest first; a few drafts and scheduled articles."""
    from articles.models import Article

    roll = rng.random()
    if roll < 0.03:
        return Article.Status.DRAFT, None
    if roll < 0.05:
        return Article.Status.PUBLISHED, now + timedelta(days=rng.randint(1, 30))
    return Article.Status.PUBLISHED, now - timedelta(days=730) * (index + 1) / count


def create_articles(count: int, rng: random.Random) -> ReaderPages:
    """Create every piece of content, articles and their links in bulk, and pick the pages to measure."""
    from django.urls import reverse
    from django.utils import timezone

    from articles.models import Article, Personality, Section, TaggedArticle

    sections = create_sections()
    region, communes, other_places = create_territories()
    personalities = create_personalities()
    journalists = create_journalists()
    tags = create_tags()

    now = timezone.now()
    articles, places, people = [], [], []
    for index in range(count):
        commune = rng.choice(communes)
        person = rng.choice(personalities)
        title, standfirst, body = write_article(rng, commune.name, person.name)
        status, published_at = publication(rng, index, count, now)
        visible = published_at is not None and published_at <= now
        articles.append(
            Article(
                title=title,
                slug=f"{slug_of(title)[:180].rstrip('-')}-{index + 1}",
                section=rng.choice(sections),
                standfirst=standfirst,
                body=body,
                status=status,
                published_at=published_at,
                updated_at=published_at + timedelta(hours=3) if visible and rng.random() < 0.1 else None,
                is_featured=visible and rng.random() < 0.02,
            )
        )
        places.append([commune, rng.choice([*communes, *other_places])])
        people.append(person)
    log(f"Creating {count} articles and their links…")
    articles = bulk_create(Article, articles)
    # bulk_create() skips Article.save(), which stores the body as readers get it: render them all
    # now, or each article's first view would render and store its body (a cold-cache artefact).
    Article.objects.all().rerender_bodies()

    links: dict[Any, list[Any]] = {
        TaggedArticle: [],
        Article.territories.through: [],
        Article.personalities.through: [],
        Article.authors.through: [],
        Article.related_articles.through: [],
    }
    for index, article in enumerate(articles):
        links[TaggedArticle] += [TaggedArticle(content_object_id=article.pk, tag_id=t.pk) for t in rng.sample(tags, 3)]
        territory_ids = {territory.pk for territory in places[index]}  # two picks may be the same commune
        while len(territory_ids) < 2:
            territory_ids.add(rng.choice(communes).pk)
        links[Article.territories.through] += [
            Article.territories.through(article_id=article.pk, territory_id=pk) for pk in territory_ids
        ]
        links[Article.personalities.through].append(
            Article.personalities.through(article_id=article.pk, personality_id=people[index].pk)
        )
        links[Article.authors.through].append(
            Article.authors.through(article_id=article.pk, user_id=rng.choice(journalists).pk)
        )
        links[Article.related_articles.through] += [
            Article.related_articles.through(from_article_id=article.pk, to_article_id=articles[other].pk)
            for other in rng.sample([i for i in range(max(0, index - 50), min(count, index + 50)) if i != index], 2)
        ]
    for through, rows in links.items():
        through.objects.bulk_create(rows, batch_size=1000)

    newest = Article.objects.published().order_by("-published_at", "-pk").first()
    section = Section.objects.first()
    personality = Personality.objects.filter(articles__in=Article.objects.published()).order_by("name").first()
    return ReaderPages(
        home=reverse("articles:home"),
        section=section.get_absolute_url(),
        territory=region.get_absolute_url(),
        personality=personality.get_absolute_url(),
        tag=reverse("articles:tag", kwargs={"slug": newest.tags.order_by("name").first().slug}),
        article=newest.get_absolute_url(),
    )


def ensure_empty_database() -> None:
    """Refuse a database that already holds content: synthetic rows would collide with it."""
    from taggit.models import Tag

    from articles.models import Article, Personality, Section, Territory

    for model in (Article, Section, Territory, Personality, Tag):
        if model.objects.exists():
            raise SystemExit(
                f"The benchmark database already holds {model._meta.verbose_name_plural}; "
                "give --database-url an empty database (the script rolls back what it writes)."
            )


# Measurements --------------------------------------------------------------------


@dataclass
class PageResult:
    name: str
    url: str
    status: int
    queries_cold: int
    queries_warm: int
    html_bytes: int
    mean_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests_per_second: float

    @property
    def verdict(self) -> str:
        return "OK" if self.queries_cold <= QUERY_BUDGET else "OVER"


@dataclass
class Asset:
    url: str
    bytes: int | None  # None when the file is not among the static files


@dataclass
class ArticleWeight:
    url: str
    html_bytes: int
    assets: list[Asset]

    @property
    def total_bytes(self) -> int:
        return self.html_bytes + sum(asset.bytes or 0 for asset in self.assets)

    @property
    def requests(self) -> int:
        return 1 + len(self.assets)

    @property
    def weight_verdict(self) -> str:
        if any(asset.bytes is None for asset in self.assets):
            return "UNKNOWN"
        return "OK" if self.total_bytes < ARTICLE_WEIGHT_BUDGET else "OVER"

    @property
    def requests_verdict(self) -> str:
        return "OK" if self.requests <= ARTICLE_REQUEST_BUDGET else "OVER"


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks, as numpy's default does."""
    position = (len(sorted_values) - 1) * fraction
    lower = math.floor(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * (position - lower)


def fetch(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: the benchmark needs every page to work.")
    return response


def count_queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        fetch(client, url)
    return len(context.captured_queries)


def measure_page(client: Any, name: str, url: str, warmup: int, repeat: int) -> tuple[PageResult, bytes]:
    """Queries with an empty then a warm cache, HTML size, and latency over ``repeat`` requests."""
    from django.core.cache import cache

    cache.clear()
    queries_cold = count_queries(client, url)
    for _ in range(warmup):
        fetch(client, url)
    queries_warm = count_queries(client, url)

    timings_ms = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        response = fetch(client, url)
        timings_ms.append((time.perf_counter_ns() - start) / 1_000_000)
    timings_ms.sort()
    mean_ms = sum(timings_ms) / len(timings_ms)
    result = PageResult(
        name=name,
        url=url,
        status=response.status_code,
        queries_cold=queries_cold,
        queries_warm=queries_warm,
        html_bytes=len(response.content),
        mean_ms=round(mean_ms, 3),
        p50_ms=round(percentile(timings_ms, 0.50), 3),
        p95_ms=round(percentile(timings_ms, 0.95), 3),
        p99_ms=round(percentile(timings_ms, 0.99), 3),
        requests_per_second=round(1000 / mean_ms, 1),
    )
    return result, response.content


class _RenderBlockingAssets(HTMLParser):
    """Collects the stylesheets and scripts a page links to, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").lower().split():
            href = attributes.get("href")
            if href:
                self.urls.append(href)
        elif tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"])


def static_file_size(url: str) -> int | None:
    """The size of a linked file, found the way collectstatic would find it."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage

    path = urlsplit(url).path
    static_path = urlsplit(settings.STATIC_URL).path
    if not path.startswith(static_path):
        return None
    relative = unquote(path.removeprefix(static_path))
    found = finders.find(relative)
    if found:
        return Path(found).stat().st_size
    # A fingerprinted name (« site.3f2a….css ») exists only among the collected files.
    if staticfiles_storage.exists(relative):
        return staticfiles_storage.size(relative)
    return None


def measure_article_weight(url: str, html: bytes) -> ArticleWeight:
    parser = _RenderBlockingAssets()
    parser.feed(html.decode("utf-8"))
    return ArticleWeight(
        url=url,
        html_bytes=len(html),
        assets=[Asset(url=asset_url, bytes=static_file_size(asset_url)) for asset_url in parser.urls],
    )


# Report --------------------------------------------------------------------------


def thousands(number: float | int) -> str:
    return f"{number:,}".replace(",", " ")


def render_text(report: dict[str, Any], pages: list[PageResult], weight: ArticleWeight) -> str:
    run = report["run"]
    lines = [
        f"Reader pages: {run['articles']} articles, {run['database']}, DEBUG off, "
        f"{run['repeat']} timed requests per page after {run['warmup']} warm-up "
        f"(Django {run['django']}, Python {run['python']})",
        f"Setup took {run['setup_seconds']} s. Queries: cold = empty cache, warm = menu cached; "
        f"budget ≤ {QUERY_BUDGET} cold.",
        "",
    ]
    headers = ["page", "url", "queries", "warm", "html B", "mean ms", "p50 ms", "p95 ms", "p99 ms", "req/s", "budget"]
    rows = [
        [
            page.name,
            page.url if len(page.url) <= 48 else page.url[:47] + "…",
            str(page.queries_cold),
            str(page.queries_warm),
            thousands(page.html_bytes),
            f"{page.mean_ms:.2f}",
            f"{page.p50_ms:.2f}",
            f"{page.p95_ms:.2f}",
            f"{page.p99_ms:.2f}",
            thousands(round(page.requests_per_second)),
            page.verdict,
        ]
        for page in pages
    ]
    lines += format_table(headers, rows, left_columns=2)

    lines += ["", "Article page before images (HTML + linked CSS/JS):", ""]
    weight_rows = [["HTML", weight.url, thousands(weight.html_bytes), "", ""]]
    weight_rows += [
        ["CSS/JS", asset.url, "not found" if asset.bytes is None else thousands(asset.bytes), "", ""]
        for asset in weight.assets
    ]
    weight_rows += [
        ["total", "", thousands(weight.total_bytes), f"< {thousands(ARTICLE_WEIGHT_BUDGET)}", weight.weight_verdict],
        ["requests", "", str(weight.requests), f"≤ {ARTICLE_REQUEST_BUDGET}", weight.requests_verdict],
    ]
    lines += format_table(["", "file", "bytes", "target", "budget"], weight_rows, left_columns=2)
    return "\n".join(lines)


def build_report(
    args: argparse.Namespace, database: str, setup_seconds: float, pages: list[PageResult], weight: ArticleWeight
) -> dict[str, Any]:
    import django

    return {
        "run": {
            "articles": args.articles,
            "repeat": args.repeat,
            "warmup": args.warmup,
            "seed": args.seed,
            "database": database,
            "debug": False,
            "django": django.get_version(),
            "python": platform.python_version(),
            "setup_seconds": round(setup_seconds, 2),
        },
        "budgets": {
            "queries_per_page": QUERY_BUDGET,
            "article_bytes_before_images": ARTICLE_WEIGHT_BUDGET,
            "article_requests_before_images": ARTICLE_REQUEST_BUDGET,
        },
        "pages": [{**asdict(page), "verdict": page.verdict} for page in pages],
        "article_weight": {
            **asdict(weight),
            "total_bytes": weight.total_bytes,
            "requests": weight.requests,
            "weight_verdict": weight.weight_verdict,
            "requests_verdict": weight.requests_verdict,
        },
    }


# Main ----------------------------------------------------------------------------


@contextmanager
def benchmark_database(database_url: str | None) -> Iterator[tuple[str, bool]]:
    """Yield (database URL, whether it is ours to keep); ours is SQLite in a folder removed afterwards."""
    if database_url:
        yield database_url, False
        return
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}", True


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with benchmark_database(args.database_url) as (database_url, throwaway):
        setup_django(database_url)

        from django.core.management import call_command
        from django.db import connection, connections, transaction
        from django.test import Client

        try:
            started = time.perf_counter()
            log("Migrating the benchmark database…")
            call_command("migrate", interactive=False, verbosity=0)
            if not throwaway:
                ensure_empty_database()
            database = f"{connection.vendor} ({'throwaway' if throwaway else 'rolled back'})"
            # Someone else's database gets its content back untouched: one transaction, rolled back.
            with nullcontext() if throwaway else transaction.atomic():
                reader_pages = create_articles(args.articles, random.Random(args.seed))
                setup_seconds = time.perf_counter() - started

                client = Client()
                pages, article_html = [], b""
                for name, url in reader_pages.as_list():
                    log(f"Measuring {name}: {url}")
                    result, html = measure_page(client, name, url, args.warmup, args.repeat)
                    pages.append(result)
                    if url == reader_pages.article:
                        article_html = html
                weight = measure_article_weight(reader_pages.article, article_html)
                if not throwaway:
                    transaction.set_rollback(True)
        finally:
            connections.close_all()

    report = build_report(args, database, setup_seconds, pages, weight)
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else render_text(report, pages, weight))
    return 0


if __name__ == "__main__":
    sys.exit(main())
