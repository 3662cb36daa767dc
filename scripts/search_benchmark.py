#!/usr/bin/env python
"""Benchmark of reader search: PostgreSQL full text on 100,000 articles, the SQLite fallback on 10,000.

What it does:

1. PostgreSQL (``--database-url``/``$BENCH_DATABASE_URL``, an empty database; or
   ``--start-postgres``: a throwaway server in a temporary folder, as ``make test``
   starts one, run as the ``postgres`` user when the script runs as root, with
   ``shared_buffers=512MB``). It migrates, inserts ``--articles`` synthetic articles
   with ``bulk_create`` (French titles and standfirsts, HTML bodies of about 150 words
   mixing stock sentences with made-up words drawn by Zipf's law, so that searched
   words range from very common to very rare; places, people, tags; 5 % drafts, 1 %
   scheduled), then computes every article's search data with the project's own
   indexer (``search.indexing.refresh_articles``: what the signals and
   ``rebuild_search_index`` run, one UPDATE per batch), the GIN index dropped
   meanwhile and built after, as a bulk load should. It also times the indexer on
   2,000 articles with the index in place, as on a live site.
2. SQLite: the same on ``--sqlite-articles`` articles in a temporary file.
3. For each, ``--queries`` searches (places with and without accents, plurals,
   phrases, operators, people, common and rare words), a third filtered by section
   and a third by territory: time of the search itself (the matching ids, then the
   ranked first page with its excerpts: what the view asks the database) and of the
   whole page through the test client. Mean, p50, p95 and max in milliseconds, then
   the query plans of one search.

On a user-given PostgreSQL database everything happens in one transaction, rolled
back at the end; the throwaway server's data is committed and vacuumed, as a live
database would be. ``DATABASE_URL`` is deliberately ignored, so that the benchmark
never writes to the site's database. The whole run is bounded (``--time-limit``,
280 s by default): a worker still running then is stopped.

    python scripts/search_benchmark.py --start-postgres
    python scripts/search_benchmark.py --database-url postgres://postgres@%2Ftmp%2Fpg/bench
    python scripts/search_benchmark.py --start-postgres --articles 20000 --sqlite-articles 2000
"""

import argparse
import atexit
import itertools
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
from bench.tools import create_database  # noqa: E402
from bench.tools import throwaway_postgres as postgres_server  # noqa: E402

SECTIONS = ["Actualité", "Économie & emploi", "Politique", "Sport", "Culture & loisirs"]
PLACES = {
    "Moselle": ["Metz", "Thionville", "Forbach", "Sarreguemines", "Hayange", "Montigny-lès-Metz", "Saint-Avold"],
    "Meurthe-et-Moselle": ["Nancy", "Lunéville", "Toul", "Pont-à-Mousson", "Vandœuvre-lès-Nancy", "Longwy"],
    "Vosges": ["Épinal", "Saint-Dié-des-Vosges", "Gérardmer", "Remiremont", "Vittel", "Contrexéville"],
}
PEOPLE = ["Claire Muller", "Julien Schmitt", "Nadia Weber", "Thomas Klein", "Élodie Hoffmann", "Karim Becker"]
TAGS = ["FinTech", "IoT", "Hydrogène", "Sidérurgie", "Transfrontalier", "Mobilités", "Tramway", "Logement"]
SUBJECTS = [
    "le tramway",
    "la nouvelle piscine",
    "les emplois industriels",
    "l’usine d’hydrogène",
    "le marché de Noël",
    "les élus municipaux",
    "la rénovation énergétique",
    "le festival de musique",
    "les agriculteurs",
    "la maternité",
    "le club de handball",
    "les travailleurs frontaliers",
    "la médiathèque",
    "les commerçants du centre-ville",
    "le budget de la communauté d’agglomération",
    "les vélos en libre-service",
]
VERBS = [
    "inquiète",
    "attire",
    "se prépare pour",
    "mise sur",
    "débat de",
    "accueille",
    "célèbre",
    "relance",
    "finance",
    "découvre",
]
FILLERS = [
    "Le conseil municipal s’est réuni jeudi soir pour en débattre.",
    "Les habitants attendent des réponses concrètes avant l’été.",
    "La préfecture a donné son accord après des mois d’attente.",
    "Selon la chambre de commerce, plusieurs centaines d’emplois sont en jeu.",
    "Les travaux doivent commencer à la rentrée et durer deux ans.",
    "L’opposition dénonce un projet trop coûteux pour les finances locales.",
    "Les associations du quartier ont organisé une réunion publique.",
    "Le chantier a pris du retard à cause des intempéries de l’hiver.",
    "La région Grand Est apporte près d’un tiers du financement.",
    "Les entreprises luxembourgeoises recrutent toujours plus de salariés lorrains.",
    "Le maire promet une concertation avec les riverains.",
    "Une pétition a recueilli plus de deux mille signatures en une semaine.",
    "Les écoles du secteur adapteront leurs horaires dès septembre.",
    "Le syndicat mixte des transports présentera le tracé définitif.",
    "La fréquentation a progressé de douze pour cent sur un an.",
    "Le député de la circonscription a interpellé le gouvernement.",
    "Des capteurs mesurent désormais la qualité de l’air en continu.",
    "Les bénévoles se relaient chaque week-end pour accueillir le public.",
    "Le département a voté une enveloppe exceptionnelle.",
    "L’économie locale dépend encore largement de la sidérurgie.",
]
# Made-up words drawn with Zipf's law (the n-th most common one n times rarer than the
# first), about 40 per article: real texts mix a few very common words with many rare ones.
SYLLABLES = "ba bé bri ca cho dou fa fi gal gre la lou ma mé mon na no pa pi pro ra ri sa sé ta ti tou va vi zan"
ENDINGS = ["", "s", "ge", "nt", "l", "r", "tte", "on", "ère", "ix"]
VOCABULARY_SIZE = 5000
WORDS_PER_ARTICLE = 40
# Ranks of made-up words searched for, alone or in pairs: from in most articles to in very few.
VOCABULARY_QUERIES = [
    (3,),
    (10,),
    (30,),
    (100,),
    (300,),
    (1000,),
    (3000,),
    (10, 300),
    (30, 1000),
    (100, 101),
    (3, 3000),
]
# Searched words: accents or not, singular or plural, places, people, common words, phrases.
QUERIES = [
    "tramway",
    "epinal",
    "Épinal",
    "economie",
    "emploi",
    "emplois",
    "élus",
    "elu municipal",
    "hydrogene",
    "usine hydrogène",
    "piscine",
    "vandoeuvre",
    "Vandœuvre-lès-Nancy",
    "marché de Noël",
    "noel",
    "festival musique",
    "agriculteurs",
    "maternité",
    "handball",
    "frontaliers luxembourg",
    "médiathèque",
    "commerçants centre-ville",
    "budget agglomération",
    "vélos",
    "velo libre service",
    "Claire Muller",
    "klein",
    "metz",
    "thionville tramway",
    "nancy -metz",
    '"rénovation énergétique"',
    "rénovation or piscine",
    "sidérurgie",
    "préfecture accord",
    "pétition signatures",
    "capteurs qualité air",
    "bénévoles week-end",
    "gérardmer",
    "saint-dié",
    "remiremont maternité",
    "concertation riverains",
    "zeppelin",
    "conseil municipal",
    "la",
    "économie locale sidérurgie",
]
PER_PAGE = 12


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def slug_of(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name.replace("œ", "oe"))


# Worker: one database --------------------------------------------------------------------------


def setup_django(database_url: str) -> None:
    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_DEBUG"] = "0"  # no query log kept in memory
    os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    static_root = tempfile.mkdtemp(prefix="newsroom-search-bench-static-")
    atexit.register(shutil.rmtree, static_root, ignore_errors=True)
    os.environ["DJANGO_STATIC_ROOT"] = static_root
    import django
    from django.core.management import call_command

    django.setup()
    # DEBUG off serves fingerprinted static files: pages need the manifest.
    call_command("collectstatic", interactive=False, verbosity=0)


def vocabulary() -> list[str]:
    """Made-up words, the most common first (always the same ones)."""
    rng = random.Random(7)
    syllables = SYLLABLES.split()
    words: dict[str, None] = {}
    while len(words) < VOCABULARY_SIZE:
        words["".join(rng.choices(syllables, k=rng.randint(2, 3))) + rng.choice(ENDINGS)] = None
    return list(words)


def all_queries(count: int) -> list[str]:
    words = vocabulary()
    made_up = [" ".join(words[rank] for rank in ranks) for ranks in VOCABULARY_QUERIES]
    return (QUERIES + made_up)[:count]


def create_content(count: int, rng: random.Random) -> dict:
    """Sections, places, people, tags and ``count`` articles, all with bulk inserts."""
    from django.utils import timezone
    from taggit.models import Tag

    from articles.models import Article, Personality, Section, TaggedArticle, Territory

    sections = Section.objects.bulk_create(
        [Section(name=name, slug=slug_of(name), menu_position=n) for n, name in enumerate(SECTIONS)]
    )
    region = Territory.objects.create(name="Grand Est", slug="grand-est", kind=Territory.Kind.REGION)
    communes, departements = [], []
    for departement_name, names in PLACES.items():
        departement = Territory.objects.create(
            name=departement_name, slug=slug_of(departement_name), kind=Territory.Kind.DEPARTEMENT, parent=region
        )
        departements.append(departement)
        communes += Territory.objects.bulk_create(
            [Territory(name=name, slug=slug_of(name), parent=departement) for name in names]
        )
    Territory.objects.rebuild_containers()
    people = Personality.objects.bulk_create([Personality(name=name, slug=slug_of(name)) for name in PEOPLE])
    tags = Tag.objects.bulk_create([Tag(name=name, slug=slug_of(name)) for name in TAGS])

    words = vocabulary()
    zipf = list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))
    now = timezone.now()
    started = time.perf_counter()
    batch = 5000
    for start in range(0, count, batch):
        articles = []
        for number in range(start, min(count, start + batch)):
            place = rng.choice(communes)
            person = rng.choice(PEOPLE)
            subject = rng.choice(SUBJECTS)
            title = f"{place.name} : {subject} {rng.choice(VERBS)} {rng.choice(SUBJECTS)}"
            standfirst = f"{subject.capitalize()} à {place.name}. {rng.choice(FILLERS)}"
            made_up = rng.choices(words, cum_weights=zipf, k=WORDS_PER_ARTICLE)
            paragraphs = [
                " ".join(rng.choices(FILLERS, k=3))
                + f" {person} l’a confirmé à {place.name} : « {' '.join(made_up[n::4]).capitalize()}. »"
                for n in range(4)
            ]
            draw = rng.random()
            status, published_at = Article.Status.PUBLISHED, now - timedelta(minutes=number * 7 + 1)
            if draw < 0.05:
                status, published_at = Article.Status.DRAFT, None
            elif draw < 0.06:
                published_at = now + timedelta(days=3)
            articles.append(
                Article(
                    title=title[:200],
                    slug=f"article-{number}",
                    section=rng.choice(sections),
                    standfirst=standfirst,
                    body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
                    status=status,
                    published_at=published_at,
                )
            )
        created = Article.objects.bulk_create(articles, batch_size=1000)
        links = Article.territories.through
        links.objects.bulk_create(
            [links(article_id=a.pk, territory_id=rng.choice(communes).pk) for a in created], batch_size=2000
        )
        people_links = Article.personalities.through
        people_links.objects.bulk_create(
            [people_links(article_id=a.pk, personality_id=rng.choice(people).pk) for a in created[::3]],
            batch_size=2000,
        )
        TaggedArticle.objects.bulk_create(
            [TaggedArticle(content_object_id=a.pk, tag_id=rng.choice(tags).pk) for a in created[::2]],
            batch_size=2000,
        )
    log(f"  {count} articles inserted in {time.perf_counter() - started:.1f} s")
    return {"sections": sections, "territories": [region, *departements, *communes]}


def index_everything() -> float:
    """Every article's search data through the project's indexer; on PostgreSQL, the GIN index built after."""
    from django.db import connection

    from articles.models import Article
    from search.indexing import refresh_articles

    started = time.perf_counter()
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS article_search_vector_idx")
    refresh_articles(Article.objects.all())
    if postgres:
        with connection.cursor() as cursor:
            # The bulk inserts left their (deferred) foreign key checks pending: run them first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("CREATE INDEX article_search_vector_idx ON articles_article USING gin (search_vector)")
            cursor.execute("ANALYZE articles_article")
    return time.perf_counter() - started


def indexer_rate(sample: int) -> float:
    """Articles per second through search.indexing.refresh_articles with the GIN index in place."""
    from articles.models import Article
    from search.indexing import refresh_articles

    pks = list(Article.objects.order_by("pk").values_list("pk", flat=True)[:sample])
    started = time.perf_counter()
    refresh_articles(pks)
    return len(pks) / (time.perf_counter() - started)


def percentiles(values: list[float]) -> dict:
    ordered = sorted(values)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]

    return {
        "mean": statistics.fmean(ordered),
        "p50": at(0.5),
        "p95": at(0.95),
        "max": ordered[-1],
        "n": len(ordered),
    }


def measure(queries: list[str], content: dict, rng: random.Random) -> dict:
    """Time the search (database work of the view) and the whole page, for each query."""
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from search.backends import add_excerpts, search_articles

    filters = []
    for number, query in enumerate(queries):
        section = territory = None
        if number % 3 == 1:
            section = rng.choice(content["sections"])
        elif number % 3 == 2:
            territory = rng.choice(content["territories"])
        filters.append((query, section, territory))

    def run_search(query, section, territory):
        page = Paginator(search_articles(query, section=section, territory=territory), PER_PAGE).get_page(1)
        articles = list(page.object_list)
        add_excerpts(articles, query)
        return page.paginator.count, articles

    for query, section, territory in filters[:5]:  # warm caches and connections
        run_search(query, section, territory)

    search_ms, page_ms, hits, sql_queries = [], [], [], []
    by_filter = {"no filter": [], "section": [], "département or région": [], "commune": []}
    for query, section, territory in filters:
        started = time.perf_counter()
        count, _ = run_search(query, section, territory)
        search_ms.append((time.perf_counter() - started) * 1000)
        hits.append(count)
        if section:
            by_filter["section"].append(search_ms[-1])
        elif territory and territory.kind == "commune":
            by_filter["commune"].append(search_ms[-1])
        elif territory:
            by_filter["département or région"].append(search_ms[-1])
        else:
            by_filter["no filter"].append(search_ms[-1])

    client = Client()
    client.get("/recherche/")
    for query, section, territory in filters:
        params = {"q": query}
        if section:
            params["rubrique"] = section.slug
        if territory:
            params["territoire"] = territory.slug
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/recherche/", params)
            page_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (query, response.status_code)
        sql_queries.append(len(captured.captured_queries))

    return {
        "search_ms": percentiles(search_ms),
        "search_ms_by_filter": {kind: percentiles(values) for kind, values in by_filter.items() if values},
        "page_ms": percentiles(page_ms),
        "hits": {"min": min(hits), "median": statistics.median(hits), "max": max(hits)},
        "sql_queries_per_page": sorted(set(sql_queries)),
    }


def plan_of(query: str) -> list[str]:
    """EXPLAIN ANALYZE of a search's two queries (PostgreSQL): finding the candidates, ranking a page."""
    from articles.models import Article
    from search import backends

    backend = backends.get_backend()
    matching = backend.match(Article.objects.published(), query).order_by("-published_at", "-pk")
    candidates = matching.values_list("pk", flat=True)[: backends.MAX_CANDIDATES]
    ranked = backends.search_articles(query).ranked[:PER_PAGE]
    keep = ("Limit", "Sort Key", "Bitmap", "Index Scan", "Seq Scan", "Execution")
    lines = []
    for label, queryset in [("candidates", candidates), ("page", ranked)]:
        lines.append(f"{label}: {query!r}")
        plan = queryset.explain(analyze=True).splitlines()
        lines += ["  " + line.strip() for line in plan if any(word in line for word in keep)][:6]
    return lines


def worker(args) -> None:
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection, transaction

    from articles.models import Article

    rng = random.Random(20260725)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if Article.objects.exists():
        raise SystemExit("The benchmark database must be empty (it holds articles).")
    log(f"[{connection.vendor}] migrated in {time.perf_counter() - started:.1f} s")

    result = {"vendor": connection.vendor, "articles": args.articles}

    @contextmanager
    def scope():
        if args.throwaway:
            # Our own database: committed, so that VACUUM sets the visibility map as in production.
            yield
            return
        # Nothing written to a database the user gave us survives the benchmark.
        with transaction.atomic():
            yield
            transaction.set_rollback(True)

    with scope():
        content = create_content(args.articles, rng)
        result["index_seconds"] = index_everything()
        log(f"  search data (search.indexing) computed in {result['index_seconds']:.1f} s")
        if connection.vendor == "postgresql":
            if args.throwaway:
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE articles_article")
            result["python_indexer_per_second"] = indexer_rate(2000)
        else:
            result["python_indexer_per_second"] = args.articles / result["index_seconds"]
        queries = all_queries(args.queries)
        log(f"  {len(queries)} queries…")
        result.update(measure(queries, content, rng))
        if connection.vendor == "postgresql":
            result["plan"] = plan_of("emplois")
    print(json.dumps(result))


# Orchestration -------------------------------------------------------------------------------------


@contextmanager
def throwaway_postgres(shared_buffers: str):
    """A throwaway server (bench.tools) with one database for the benchmark; yields its URL."""
    with postgres_server(shared_buffers, prefix="newsroom-search-bench-pg.") as folder:
        yield create_database(folder, "search_bench")


def run_worker(database_url: str, articles: int, queries: int, deadline: float, throwaway: bool) -> dict | None:
    command = [sys.executable, __file__, "--worker", "--database-url", database_url]
    command += ["--throwaway"] if throwaway else []
    command += ["--articles", str(articles), "--queries", str(queries)]
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    try:
        done = subprocess.run(
            command, env=env, stdout=subprocess.PIPE, text=True, timeout=max(1, deadline - time.monotonic())
        )
    except subprocess.TimeoutExpired:
        log("  stopped: over the time limit")
        return None
    if done.returncode != 0:
        log(f"  worker failed (exit {done.returncode})")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(result: dict) -> None:
    name = "PostgreSQL (full text, GIN index)" if result["vendor"] == "postgresql" else "SQLite (fallback)"
    articles = f"{result['articles']:,}".replace(",", " ")
    print(f"\n== {name}: {articles} articles")
    print(
        f"   indexing (search.indexing): {result['index_seconds']:.1f} s for every article;"
        f" {result['python_indexer_per_second']:.0f} articles/s"
    )
    hits = result["hits"]
    print(f"   results per query: min {hits['min']}, median {hits['median']:.0f}, max {hits['max']}")
    print(f"   SQL queries per results page: {result['sql_queries_per_page']}")
    print(f"   {'ms':<34}{'mean':>8}{'p50':>8}{'p95':>8}{'max':>8}")
    rows = [("search (ids, ranked page, excerpts)", result["search_ms"])]
    rows += [
        (f"  filtered by {kind}" if kind != "no filter" else "  without filter", figures)
        for kind, figures in result["search_ms_by_filter"].items()
    ]
    rows.append(("whole page (test client)", result["page_ms"]))
    for label, figures in rows:
        print(
            f"   {label:<34}{figures['mean']:>8.1f}{figures['p50']:>8.1f}{figures['p95']:>8.1f}{figures['max']:>8.1f}"
            f"   ({figures['n']} queries)"
        )
    for line in result.get("plan", []):
        print(f"   | {line.strip()}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--start-postgres", action="store_true", help="start a throwaway PostgreSQL server")
    parser.add_argument("--pg-shared-buffers", default="512MB", help="shared_buffers of that server (512MB)")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sqlite-articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=len(QUERIES) + len(VOCABULARY_QUERIES))
    parser.add_argument("--time-limit", type=float, default=280, help="seconds for the whole run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--throwaway", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args)
        return

    deadline = time.monotonic() + args.time_limit
    results = []
    if args.database_url or args.start_postgres:
        log(f"PostgreSQL, {args.articles} articles")
        if args.database_url:
            results.append(run_worker(args.database_url, args.articles, args.queries, deadline, throwaway=False))
        else:
            log(f"  throwaway server, shared_buffers={args.pg_shared_buffers}")
            with throwaway_postgres(args.pg_shared_buffers) as url:
                results.append(run_worker(url, args.articles, args.queries, deadline, throwaway=True))
    else:
        log("No PostgreSQL: give --database-url or --start-postgres. SQLite only.")
    log(f"SQLite, {args.sqlite_articles} articles")
    with tempfile.TemporaryDirectory(prefix="newsroom-search-bench-") as folder:
        sqlite_url = f"sqlite:///{folder}/bench.sqlite3"
        results.append(run_worker(sqlite_url, args.sqlite_articles, args.queries, deadline, throwaway=True))
    for result in results:
        if result:
            report(result)


if __name__ == "__main__":
    main()
