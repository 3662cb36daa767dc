#!/usr/bin/env python
"""HTTP benchmark of the reader pages under load, cached and uncached, against a bare Django view.

``make bench-http`` (or ``python scripts/bench_http.py``), for each archive size
(``--sizes 1000,100000`` by default; comments: 10 per article unless ``--comments``):

1. starts a throwaway PostgreSQL server (as ``make test`` does: a temporary folder,
   Unix socket only, as the ``postgres`` user when run as root) and ``redis-server``
   on a free loopback port, and collects the static files into a temporary folder;
2. migrates one database per size and fills it with bench/generator.py (``COPY``,
   progress on stderr);
3. counts each page's SQL queries in-process (test client, page cache off, a private
   in-memory cache emptied before each page: the query budget's « cold » count);
4. starts ``make serve``'s very gunicorn command (scripts/serve.py's ``gunicorn_command``:
   sync workers, timeouts, ``--max-requests``; only the address, the log files and the
   environment differ), ``--workers`` 2 each, with production settings (DEBUG off, a
   generated secret key, the Redis cache):
   - the floor: a bare Django project (bench/bare_settings.py: startproject's
     middleware, no database) serving only a hello-world view of N bytes;
   - per size, the site with the page cache on, and the site with
     ``NEWSROOM_PAGE_CACHE_SECONDS=0`` (the uncached figures: nothing is ever cleared).
     Both use ``bench.settings``: the site's settings plus the same hello-world view
     at ``/__bench__/hello/<bytes>/`` behind the site's middleware;
5. measures with ``wrk --latency --timeout`` (``--connections`` 16, ``--threads`` 2,
   ``--duration`` 10 s, ``--timeout`` 10 s) every page, cached and uncached, the bare
   view and the project's hello view of the same number of bytes, in ``--rounds``
   interleaved rounds (3), and keeps the median of each figure; every error wrk
   reports (connect, read, write, timeout, non-2xx/3xx) is counted, and each response
   is counted by its ``X-Cache`` header (bench/x_cache.lua);
6. the edit phase: the front page and the article page are loaded again on the cached
   server while ``manage.py bench_edits`` saves that article once a second; renders
   per purge = responses rendered (``X-Cache: MISS``) ÷ edits made;
7. prints one table (req/s, p50 and p99 latency, ratios to the bare view and to the
   project's hello view, errors, queries, bytes, and with two sizes the ratio of the
   largest to the smallest), the edit phase, the worker boots each server's gunicorn
   logged, and which goals of issue 22 hold; with ``--json FILE``, every figure.

Everything it starts is stopped and every temporary folder removed on exit, on error
and on Ctrl-C. Only loopback addresses and a Unix socket are used. wrk and redis-server
are installed with apt-get when missing and the script runs as root.

The machine's other work shows in the figures: compare ratios within one run rather
than absolute numbers between runs.

    python scripts/bench_http.py                       # 1,000 and 100,000 articles: about 55 minutes
    python scripts/bench_http.py --duration 5 --rounds 1                # both sizes, about 15 minutes
    python scripts/bench_http.py --sizes 1000 --duration 3 --rounds 1   # a first look: 5 minutes
    python scripts/bench_http.py --sizes 100000 --comments 1000000 --json var/bench.json
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
from serve import gunicorn_command, worker_recycling  # noqa: E402

from bench.tools import (  # noqa: E402
    HOST,
    create_database,
    format_table,
    free_port,
    start_redis,
    stop,
    throwaway_postgres,
)

PYTHON = sys.executable
X_CACHE_SCRIPT = PROJECT_ROOT / "bench" / "x_cache.lua"
# The pages of the edit phase: the article edited, and the front page its card is on.
EDITED_PAGES = ("home", "article, 50 comments")
KINDS = ("bare", "hello", "cached", "uncached")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1000,100000", help="articles per archive, comma-separated")
    parser.add_argument("--comments", type=int, default=None, help="comments per archive (default: 10 per article)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are kept (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--timeout", type=int, default=10, help="seconds before wrk counts a request as timed out (default 10)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server (default 2)")
    parser.add_argument("--pages", default="", help="only these pages (comma-separated names, e.g. home,article)")
    parser.add_argument("--no-edits", dest="edits", action="store_false", help="skip the edit phase")
    parser.add_argument(
        "--sitemap-requests",
        type=int,
        default=20,
        help="sequential requests to each sitemap, uncached (default 20; 0 skips the sitemaps)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed of the synthetic archive")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()})
    except ValueError:
        parser.error("--sizes takes whole numbers, e.g. 1000,100000")
    if not args.sizes or min(args.sizes) < 10:
        parser.error("--sizes needs at least one size of 10 articles or more")
    if min(args.duration, args.rounds, args.connections, args.threads, args.workers, args.timeout) < 1:
        parser.error("--duration, --rounds, --connections, --threads, --timeout and --workers must be at least 1")
    return args


# Tools ---------------------------------------------------------------------------------


# Program → Debian package.
PROGRAMS = {"wrk": "wrk", "redis-server": "redis-server"}


def ensure_programs() -> None:
    """wrk and redis-server from Debian's packages, installed when missing and we may (as
    scripts/ensure-packages.sh does for the tests)."""
    missing = [package for program, package in PROGRAMS.items() if not shutil.which(program)]
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        log(f"== installing {' '.join(missing)}")
        command = ["apt-get", "install", "-y", "-q", *missing]
        if subprocess.run(command, capture_output=True, timeout=600).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], capture_output=True, timeout=300)
            subprocess.run(command, capture_output=True, timeout=600)
    still_missing = [package for program, package in PROGRAMS.items() if not shutil.which(program)]
    if still_missing:
        raise SystemExit(f"Missing: {' '.join(still_missing)}. Install them (Debian: apt-get install …) and run again.")


def run(command: list, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], env=env, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{result.stderr[-3000:]}")
    return result


# The servers ---------------------------------------------------------------------------

SECRET_KEY = secrets.token_urlsafe(50)
# NEWSROOM_SERVE_MAX_REQUESTS is read from this process's environment, as `make serve` reads it;
# the servers themselves get none of the developer's settings.
RECYCLING = worker_recycling(os.environ)


def clean_environment() -> dict:
    """This process's environment without the site's settings: each server gets only its own."""
    prefixes = ("DJANGO_", "DATABASE_", "REDIS_", "NEWSROOM_")
    return {key: value for key, value in os.environ.items() if not key.startswith(prefixes)}


def site_environment(database_url: str, redis_url: str, static_root: Path, media_root: Path, cached: bool) -> dict:
    env = clean_environment()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": f"{HOST},testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_STATIC_ROOT": str(static_root),
            "DJANGO_MEDIA_ROOT": str(media_root),
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "60",  # as docs/deploying.md advises
            "REDIS_URL": redis_url,
            "DJANGO_CACHE_BACKEND": "django.core.cache.backends.redis.RedisCache",
            "DJANGO_CACHE_LOCATION": redis_url,
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    if not cached:
        env["NEWSROOM_PAGE_CACHE_SECONDS"] = "0"
    return env


def throwaway_site(stack: ExitStack, prefix: str) -> tuple[Path, dict]:
    """A folder of this run's own (removed with ``stack``) with Redis, an SQLite database's address and the
    static and media folders, and the site's environment over them, page cache on: a one-feature benchmark's."""
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=prefix)))
    redis_url = start_redis(folder, stack)
    (folder / "static").mkdir()
    (folder / "media").mkdir()
    database_url = f"sqlite:///{folder / 'db.sqlite3'}"
    return folder, site_environment(database_url, redis_url, folder / "static", folder / "media", True)


def bare_environment() -> dict:
    """The bare project's: startproject's settings (bench/bare_settings.py), no database, no cache."""
    env = clean_environment()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.bare_settings",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": HOST,
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def manage(env: dict, *arguments: str, stream_stderr: bool = False) -> str:
    command = [PYTHON, "manage.py", *arguments]
    if stream_stderr:  # the generator's progress lines go straight to the terminal
        result = subprocess.run(command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
        if result.returncode != 0:
            raise SystemExit(f"manage.py {' '.join(arguments)} failed.")
        return result.stdout
    return run(command, env=env, cwd=PROJECT_ROOT).stdout


BOOT_LINE = "Booting worker"  # what gunicorn's master logs (level info) for each worker it starts


@dataclass
class Server:
    """One gunicorn started with `make serve`'s command, and its log (the workers' stderr too)."""

    name: str
    base: str
    log_file: Path
    workers: int

    def boots(self) -> int:
        """Workers started since the server began, the first ones included."""
        return count_boots(self.log_file.read_text(errors="replace")) if self.log_file.exists() else 0

    def tail(self) -> str:
        return self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""


def count_boots(log_text: str) -> int:
    return log_text.count(BOOT_LINE)


def start_gunicorn(name: str, env: dict, workers: int, log_file: Path, stack: ExitStack) -> Server:
    port = free_port()
    # The access log is formatted and written as under `make serve`, into /dev/null.
    command = gunicorn_command(f"{HOST}:{port}", workers, RECYCLING, access_log="/dev/null", error_log=str(log_file))
    with open(log_file, "ab") as output:
        # Its own process group, so that stopping it stops its workers too.
        process = subprocess.Popen(
            command, env=env, cwd=PROJECT_ROOT, stdout=output, stderr=output, start_new_session=True
        )
    stack.callback(stop, process)
    server = Server(name, f"http://{HOST}:{port}", log_file, workers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn ({name}) stopped at start-up; see its log:\n{server.tail()}")
        try:
            fetch(f"{server.base}/__bench__/hello/10/")
            return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn ({name}) did not answer within a minute.")


def fetch(url: str) -> bytes:
    """The body as a client without compression gets it, or an error for anything but 200."""
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "identity"}), timeout=60) as r:
        if r.status != 200:
            raise urllib.error.HTTPError(url, r.status, "not 200", r.headers, None)
        return r.read()


# wrk -----------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
# Every kind of failure wrk reports, by the name the table prints.
ERROR_KINDS = ("connect", "read", "write", "timeout", "non-2xx/3xx", "warm-up")
X_CACHE_OUTCOMES = ("HIT", "MISS", "STALE", "other", "none")


def parse_wrk(output: str) -> dict:
    """Requests per second, requests, p50 and p99 in milliseconds, each kind of error, and the
    responses by ``X-Cache`` (bench/x_cache.lua's line) from ``wrk --latency``'s report."""

    def latency(percent: str) -> float:
        found = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        return float(found.group(1)) * _UNITS[found.group(2)] if found else float("nan")

    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    requests = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    errors = dict.fromkeys(ERROR_KINDS, 0)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        for kind, value in zip(("connect", "read", "write", "timeout"), socket_errors.groups(), strict=True):
            errors[kind] = int(value)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        errors["non-2xx/3xx"] = int(non_2xx.group(1))
    return {
        "rps": float(rate.group(1)) if rate else 0.0,
        "requests": int(requests.group(1)) if requests else 0,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "errors": errors,
        "x_cache": parse_x_cache(output),
    }


def parse_x_cache(output: str) -> dict:
    """bench/x_cache.lua's closing line, e.g. ``X-Cache: HIT 9120, MISS 3, STALE 0, other 0, none 0``."""
    found = re.search(r"^X-Cache: (.*)$", output, re.MULTILINE)
    counts = dict.fromkeys(X_CACHE_OUTCOMES, 0)
    for outcome, value in re.findall(r"(\w+) (\d+)", found.group(1) if found else ""):
        if outcome in counts:
            counts[outcome] = int(value)
    return counts


def error_count(sample: dict) -> int:
    return sum(sample["errors"].values())


def run_wrk(wrk: str, url: str, args: argparse.Namespace, server: Server) -> dict:
    # A few requests first: the cached server stores the page, the workers open their connections.
    # A failure is reported with the server's log and counted, but does not stop a long run.
    failures = 0
    for _ in range(3):
        try:
            fetch(url)
        except OSError as error:
            failures += 1
            log(f"   ! {url}: {error}\n{server.tail()}")
    command = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", f"--timeout={args.timeout}s"]
    command += ["--latency", "-s", str(X_CACHE_SCRIPT), url]
    boots = server.boots()
    result = subprocess.run(command, capture_output=True, text=True, timeout=args.duration + args.timeout + 60)
    if result.returncode != 0 or not result.stdout.strip():
        log(f"   ! wrk {url} failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    figures = parse_wrk(result.stdout)
    figures["errors"]["warm-up"] = failures
    figures["boots"] = server.boots() - boots
    return figures


def run_wrk_while_editing(wrk: str, url: str, args: argparse.Namespace, server: Server, env: dict) -> dict:
    """wrk on the cached server while manage.py bench_edits saves the article once a second."""
    editor = subprocess.Popen(
        [PYTHON, "manage.py", "bench_edits", f"--seconds={args.duration}"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready = editor.stdout.readline().strip()
        if ready != "ready":
            raise SystemExit(f"manage.py bench_edits did not start:\n{editor.stderr.read()[-3000:]}")
        figures = run_wrk(wrk, url, args, server)
        out, err = editor.communicate(timeout=args.duration + 60)
    finally:
        stop(editor)
    if editor.returncode != 0:
        raise SystemExit(f"manage.py bench_edits failed:\n{err[-3000:]}")
    report = json.loads(out.strip().splitlines()[-1])
    figures["edits"] = report["edits"]
    figures["save_ms"] = report["save_ms"]
    return figures


# A save purges its pages twice (pagecache.core): in its transaction, so that no copy older than the
# change survives it, and after its commit, so that no copy rendered from the data before the commit
# does. A hot page is rendered again after each: two renders per save, one per purge.
PURGES_PER_SAVE = 2


# The run -------------------------------------------------------------------------------


@dataclass
class Page:
    size: int
    name: str
    url: str
    queries_cold: int
    queries_warm: int
    bytes: int = 0
    samples: dict[str, list[dict]] = field(default_factory=lambda: {kind: [] for kind in (*KINDS, "edits")})

    def median(self, kind: str, figure: str) -> float:
        values = [sample[figure] for sample in self.samples[kind]]
        return statistics.median(values) if values else float("nan")

    def errors(self, kind: str) -> dict:
        """Each kind of error, added up over this measure's runs."""
        return self._totals(kind, "errors", ERROR_KINDS)

    def x_cache(self, kind: str) -> dict:
        """Responses by X-Cache, added up over this measure's runs."""
        return self._totals(kind, "x_cache", X_CACHE_OUTCOMES)

    def _totals(self, kind: str, figure: str, names: tuple[str, ...]) -> dict:
        return {name: sum(sample[figure][name] for sample in self.samples[kind]) for name in names}

    @property
    def edited(self) -> bool:
        return self.name in EDITED_PAGES


def prepare_size(size, comments, args, pg_socket, redis_url, folder, stack) -> tuple[list[Page], dict, dict]:
    """Database, archive, query counts, and the two servers of one archive size.

    ``redis_url`` names a Redis database of this size's own: the sites of two sizes share
    addresses, and must not share cached pages or menus.
    """
    database_url = create_database(pg_socket, f"bench_{size}")
    static_root, media_root = folder / "static", folder / "media"
    uncached_env = site_environment(database_url, redis_url, static_root, media_root, cached=False)
    cached_env = site_environment(database_url, redis_url, static_root, media_root, cached=True)

    log(f"== {size:,} articles, {comments:,} comments: migrating and generating")
    manage(uncached_env, "migrate", "--noinput", "-v0")
    started = time.perf_counter()
    summary = json.loads(
        manage(
            uncached_env,
            "generate_newsroom",
            f"--articles={size}",
            f"--comments={comments}",
            f"--seed={args.seed}",
            "--json",
            stream_stderr=True,
        )
    )
    summary["total_seconds"] = round(time.perf_counter() - started, 1)
    log(f"   generated in {summary['total_seconds']} s")

    wanted = {name.strip() for name in args.pages.split(",") if name.strip()}
    pages = [
        Page(size=size, **page)
        for page in json.loads(manage(uncached_env, "bench_pages"))
        if not wanted or page["name"] in wanted or page["name"].split(",")[0].split(" ")[0] in wanted
    ]
    servers = {
        "cached": start_gunicorn(
            f"{size:,} cached", cached_env, args.workers, folder / f"gunicorn-{size}-cached.log", stack
        ),
        "uncached": start_gunicorn(
            f"{size:,} uncached", uncached_env, args.workers, folder / f"gunicorn-{size}-uncached.log", stack
        ),
        "cached_env": cached_env,
    }
    for page in pages:
        page.bytes = len(fetch(servers["cached"].base + page.url))
        fetch(servers["uncached"].base + page.url)
    servers["sitemaps"] = json.loads(manage(uncached_env, "bench_pages", "--sitemaps"))
    return pages, servers, summary


# Sitemaps -------------------------------------------------------------------------------
# Crawlers fetch them one at a time, and each publication purges them: what counts is the time of
# one uncached answer at archive size, not a throughput.

SITEMAP_BUDGET_MS = 50


def measure_sitemaps(sitemaps: list[dict], server: Server, requests: int) -> list[dict]:
    """Each sitemap fetched ``requests`` times in a row from the uncached server: milliseconds and bytes."""
    figures = []
    for sitemap in sitemaps:
        times, size = [], 0
        for _ in range(requests + 1):  # the first one warms the worker up and is not counted
            started = time.perf_counter()
            size = len(fetch(server.base + sitemap["url"]))
            times.append((time.perf_counter() - started) * 1000)
        times = sorted(times[1:])
        figures.append(
            {**sitemap, "bytes": size, "p50_ms": statistics.median(times), "max_ms": times[-1], "requests": requests}
        )
    return figures


def sitemaps_table(sitemaps_by_size: dict, args: argparse.Namespace) -> list[str]:
    smallest, largest = args.sizes[0], args.sizes[-1]
    lines = [
        f"Sitemaps, uncached: {args.sitemap_requests} requests in a row to each, one at a time (as a crawler), "
        f"from the server without the page cache; budget: {SITEMAP_BUDGET_MS} ms at every size.",
        "",
    ]
    headers = ["articles", "sitemap", "bytes", "p50 ms", "max ms"]
    if len(args.sizes) > 1:
        headers.append(f"{largest // 1000}k/{smallest // 1000}k" if smallest >= 1000 else f"{largest}/{smallest}")
    rows = []
    names = [figure["name"] for figure in sitemaps_by_size[largest]]
    for name in names:
        for size in args.sizes:
            figure = next((f for f in sitemaps_by_size[size] if f["name"] == name), None)
            if figure is None:
                continue  # the articles' last page exists only past one page of articles
            row = [f"{size:,}", name, number(figure["bytes"]), number(figure["p50_ms"], 1), number(figure["max_ms"], 1)]
            if len(args.sizes) > 1:
                base = next((f for f in sitemaps_by_size[smallest] if f["name"] == name), None)
                row.append(ratio(figure["p50_ms"], base["p50_ms"]) if size == largest and base else "")
            rows.append(row)
    return lines + format_table(headers, rows, left_columns=2)


def sitemap_goals(sitemaps_by_size: dict, args: argparse.Namespace) -> list[str]:
    lines = []
    for size in args.sizes:
        over = [f["name"] for f in sitemaps_by_size[size] if not f["p50_ms"] <= SITEMAP_BUDGET_MS]
        verdict = "holds" if not over else "FAILS for " + "; ".join(over)
        lines.append(f"- {size:,} articles: every sitemap uncached ≤ {SITEMAP_BUDGET_MS} ms (p50): {verdict}")
    smallest, largest = args.sizes[0], args.sizes[-1]
    if largest != smallest:
        grown = [
            f["name"]
            for f in sitemaps_by_size[largest]
            if (base := next((b for b in sitemaps_by_size[smallest] if b["name"] == f["name"]), None))
            and not f["p50_ms"] <= 1.3 * base["p50_ms"]
        ]
        verdict = "holds" if not grown else "FAILS for " + "; ".join(grown)
        lines.append(f"- every sitemap at {largest:,} ≤ 1.3× its time at {smallest:,}: {verdict}")
    return lines


def measure(pages_by_size: dict, servers_by_size: dict, bare: Server, wrk: str, args: argparse.Namespace) -> None:
    """Interleaved rounds: each page of each size, the bare view, the project's hello view, the
    page cached, the page while edits purge it, the page uncached, round after round."""
    names = [page.name for page in pages_by_size[args.sizes[0]]]
    total = sum(wrk_runs(pages_by_size[size], args) for size in args.sizes)
    done = 0
    started = time.perf_counter()
    for round_number in range(1, args.rounds + 1):
        for name in names:
            for size in args.sizes:
                page = next(p for p in pages_by_size[size] if p.name == name)
                servers = servers_by_size[size]
                hello = f"/__bench__/hello/{page.bytes}/"
                targets = {
                    "bare": (bare, hello),
                    "hello": (servers["cached"], hello),
                    "cached": (servers["cached"], page.url),
                    "uncached": (servers["uncached"], page.url),
                }
                for kind, (server, path) in targets.items():
                    page.samples[kind].append(run_wrk(wrk, server.base + path, args, server))
                    done += 1
                    if kind == "cached" and args.edits and page.edited:
                        url = servers["cached"].base + page.url
                        sample = run_wrk_while_editing(wrk, url, args, servers["cached"], servers["cached_env"])
                        page.samples["edits"].append(sample)
                        done += 1
                remaining = (time.perf_counter() - started) / done * (total - done)
                log(
                    f"   round {round_number}/{args.rounds}, {size:,} articles, {name}: "
                    f"{page.samples['cached'][-1]['rps']:.0f} req/s cached, "
                    f"{page.samples['uncached'][-1]['rps']:.0f} uncached, "
                    f"{page.samples['bare'][-1]['rps']:.0f} bare, "
                    f"{page.samples['hello'][-1]['rps']:.0f} hello"
                    + (
                        f", {page.samples['edits'][-1]['rps']:.0f} during edits"
                        if page.samples["edits"] and len(page.samples["edits"]) == round_number
                        else ""
                    )
                    + f" ({done * 100 // total} %, ~{remaining / 60:.0f} min left)"
                )


def wrk_runs(pages: list[Page], args: argparse.Namespace) -> int:
    return args.rounds * sum(len(KINDS) + (1 if args.edits and page.edited else 0) for page in pages)


# Report --------------------------------------------------------------------------------


def number(value: float, digits: int = 0) -> str:
    if value != value:  # NaN
        return "–"
    return f"{value:,.{digits}f}".replace(",", " ")


def ratio(numerator: float, denominator: float, digits: int = 2) -> str:
    if not denominator or numerator != numerator or denominator != denominator:
        return "–"
    return f"{numerator / denominator:.{digits}f}"


ERROR_ABBREVIATIONS = {
    "connect": "conn",
    "read": "read",
    "write": "write",
    "timeout": "timeout",
    "non-2xx/3xx": "non-2xx",
    "warm-up": "warm-up",
}


def describe_errors(errors_by_kind: dict[str, dict]) -> str:
    """``0``, or each failing measure with its errors, e.g. ``uncached: timeout 3, non-2xx 1``."""
    parts = []
    for kind, errors in errors_by_kind.items():
        found = [f"{ERROR_ABBREVIATIONS[error]} {count}" for error, count in errors.items() if count]
        if found:
            parts.append(f"{kind}: {', '.join(found)}")
    return "; ".join(parts) or "0"


def render(
    pages_by_size: dict, summaries: dict, servers: list[Server], args: argparse.Namespace, sitemaps_by_size=None
) -> str:
    smallest, largest = args.sizes[0], args.sizes[-1]
    lines = [
        f"Reader pages under load: `make serve`'s gunicorn ({args.workers} sync workers, {RECYCLING.describe()}), "
        "PostgreSQL, Redis, DEBUG off;",
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --timeout {args.timeout}s, "
        f"medians of {args.rounds} interleaved round(s).",
        "bare = a bare Django project (startproject's middleware, no database) answering the same number of bytes; "
        "hello = the same view behind the site's middleware (bench.settings);",
        "hit % = cached responses served from the page cache (X-Cache: HIT); "
        "× bare, × hello = req/s ÷ their req/s; uncached = the server with NEWSROOM_PAGE_CACHE_SECONDS=0; "
        "queries = SQL queries of the uncached page with an empty cache (the budget's count);",
        "errors = every error wrk reported (connect, read, write, timeout, non-2xx/3xx) and failed warm-up requests"
        + (f"; last column: uncached p50 at {largest:,} articles ÷ at {smallest:,}." if largest != smallest else "."),
        "Noisy: the machine runs other work; compare ratios within a run.",
        "",
    ]
    for size in args.sizes:
        summary = summaries[size]
        lines.append(
            f"{size:,} articles, {summary['comments']:,} comments: generated in {summary['total_seconds']} s "
            f"({', '.join(f'{step} {seconds} s' for step, seconds in summary['seconds'].items())})"
        )
    lines.append("")
    lines += main_table(pages_by_size, args)
    if args.edits and any(page.samples["edits"] for pages in pages_by_size.values() for page in pages):
        lines += ["", *edits_table(pages_by_size, args)]
    lines += ["", boots_line(servers)]
    totals = dict.fromkeys(ERROR_KINDS, 0)
    for pages in pages_by_size.values():
        for page in pages:
            for kind in page.samples:
                for error, count in page.errors(kind).items():
                    totals[error] += count
    if sum(totals.values()):
        found = ", ".join(f"{count} {error}" for error, count in totals.items() if count)
        lines.append(f"Warning: {sum(totals.values())} failed or timed-out requests ({found}); see the table.")
    if sitemaps_by_size:
        lines += ["", *sitemaps_table(sitemaps_by_size, args)]
    lines += ["", *goals(pages_by_size, args)]
    if sitemaps_by_size:
        lines += sitemap_goals(sitemaps_by_size, args)
    return "\n".join(lines)


def main_table(pages_by_size: dict, args: argparse.Namespace) -> list[str]:
    smallest, largest = args.sizes[0], args.sizes[-1]
    headers = ["articles", "page", "bytes", "queries", "bare r/s", "hello r/s"]
    headers += ["cached r/s", "p50", "p99", "p99/p50", "hit %", "× bare", "× hello"]
    headers += ["uncached r/s", "p50", "p99", "× bare", "× hello", "errors"]
    two_sizes = len(args.sizes) > 1
    if two_sizes:
        headers.append(f"{largest // 1000}k/{smallest // 1000}k" if smallest >= 1000 else f"{largest}/{smallest}")
    rows = []
    for name in [page.name for page in pages_by_size[smallest]]:
        for size in args.sizes:
            page = next(p for p in pages_by_size[size] if p.name == name)
            bare, hello = page.median("bare", "rps"), page.median("hello", "rps")
            row = [f"{size:,}", name, number(page.bytes), str(page.queries_cold), number(bare), number(hello)]
            for kind in ("cached", "uncached"):
                rps, p50, p99 = (page.median(kind, figure) for figure in ("rps", "p50_ms", "p99_ms"))
                row += [number(rps), number(p50, 1), number(p99, 1)]
                if kind == "cached":
                    row += [ratio(p99, p50, 1), hit_share(page.x_cache("cached"))]
                row += [ratio(rps, bare), ratio(rps, hello)]
            row.append(describe_errors({kind: page.errors(kind) for kind in KINDS}))
            if two_sizes:
                if size == largest:
                    base = next(p for p in pages_by_size[smallest] if p.name == name).median("uncached", "p50_ms")
                    row.append(ratio(page.median("uncached", "p50_ms"), base))
                else:
                    row.append("")
            rows.append(row)
    return format_table(headers, rows, left_columns=2)


def kept_by_the_cache(page: Page) -> bool:
    """Most of its « cached » responses were hits."""
    counts = page.x_cache("cached")
    return counts["HIT"] * 2 > sum(counts.values())


def hit_share(counts: dict) -> str:
    """Responses served from the page cache (X-Cache: HIT), in percent: a « cached » figure means
    little for a page the cache does not keep."""
    total = sum(counts.values())
    return f"{counts['HIT'] * 100 / total:.0f}" if total else "–"


def edits_table(pages_by_size: dict, args: argparse.Namespace) -> list[str]:
    lines = [
        f"During edits: the cached server while manage.py bench_edits saves the article once a second for "
        f"{args.duration} s (its standfirst, through the model: the site's purges run), beside the quiet cached run;",
        "saves = every save while wrk ran (the last one puts the standfirst back); rendered = responses with "
        "X-Cache: MISS (rendered by the worker that answered), stale = X-Cache: STALE (the previous copy served "
        f"during one render); a save purges {PURGES_PER_SAVE} times (in its transaction and after its commit): "
        f"renders per purge = rendered ÷ ({PURGES_PER_SAVE} × saves).",
        "",
    ]
    headers = ["articles", "page", "quiet r/s", "p99", "edits r/s", "p50", "p99", "r/s ÷ quiet", "p99 ÷ quiet"]
    headers += ["saves", "save ms", "hit", "rendered", "stale", "renders/save", "renders/purge", "errors"]
    rows = []
    for name in EDITED_PAGES:
        for size in args.sizes:
            page = next((p for p in pages_by_size[size] if p.name == name), None)
            if page is None or not page.samples["edits"]:
                continue
            quiet_rps, quiet_p99 = page.median("cached", "rps"), page.median("cached", "p99_ms")
            rps, p50, p99 = (page.median("edits", figure) for figure in ("rps", "p50_ms", "p99_ms"))
            edits = sum(sample["edits"] for sample in page.samples["edits"])
            saves = [ms for sample in page.samples["edits"] for ms in sample["save_ms"]]
            counts = page.x_cache("edits")
            rows.append(
                [
                    f"{size:,}",
                    name,
                    number(quiet_rps),
                    number(quiet_p99, 1),
                    number(rps),
                    number(p50, 1),
                    number(p99, 1),
                    ratio(rps, quiet_rps),
                    ratio(p99, quiet_p99, 1),
                    str(edits),
                    number(statistics.median(saves), 0) if saves else "–",
                    str(counts["HIT"]),
                    str(counts["MISS"]),
                    str(counts["STALE"]),
                    ratio(counts["MISS"], edits, 1),
                    ratio(counts["MISS"], PURGES_PER_SAVE * edits, 1),
                    describe_errors({"edits": page.errors("edits")}),
                ]
            )
    return lines + format_table(headers, rows, left_columns=2)


def boots_line(servers: list[Server]) -> str:
    """Worker boots during the runs, per server: every « Booting worker » after the first workers."""
    parts = [f"{server.name} {server.boots() - server.workers}" for server in servers]
    return (
        f"Worker boots during the runs (gunicorn's « {BOOT_LINE} » lines after start-up; "
        f"--max-requests {RECYCLING.max_requests}): " + ", ".join(parts) + "."
    )


def goals(pages_by_size: dict, args: argparse.Namespace) -> list[str]:
    """Issue 22's goals, checked on this run's medians."""

    def verdict(failing: list[str]) -> str:
        return "holds" if not failing else "FAILS for " + "; ".join(failing)

    lines = ["Goals (issue 22), on this run:"]
    for size in args.sizes:
        pages = pages_by_size[size]
        # A page the cache does not keep (a search: its query is not one the cache knows) has no cached figure.
        kept = [p for p in pages if kept_by_the_cache(p)]
        slow = [p.name for p in kept if not p.median("cached", "rps") >= 0.8 * p.median("bare", "rps")]
        spread = [p.name for p in kept if not p.median("cached", "p99_ms") <= 3 * p.median("cached", "p50_ms")]
        left_out = [p.name for p in pages if p not in kept]
        note = f" (not kept by the page cache, left out: {'; '.join(left_out)})" if left_out else ""
        lines.append(f"- {size:,} articles: cached ≥ 0.8× bare: {verdict(slow)}{note}")
        lines.append(f"- {size:,} articles: cached p99 ≤ 3× p50: {verdict(spread)}")
        article = next((p for p in pages if p.name == "article, 50 comments"), None)
        if article:
            share = article.median("uncached", "rps") / article.median("bare", "rps")
            lines.append(
                f"- {size:,} articles: uncached article ≥ 8 % of bare: {share:.1%} "
                + ("(holds)" if share >= 0.08 else "(FAILS)")
            )
        edited = [p for p in pages if p.samples["edits"]]
        if edited:
            dropped = [p.name for p in edited if not p.median("edits", "rps") >= 0.8 * p.median("cached", "rps")]
            slower = [p.name for p in edited if not p.median("edits", "p99_ms") <= 3 * p.median("cached", "p99_ms")]
            stampede = [
                p.name
                for p in edited
                if not sum(s["x_cache"]["MISS"] for s in p.samples["edits"])
                <= PURGES_PER_SAVE * sum(s["edits"] for s in p.samples["edits"])
            ]
            lines.append(f"- {size:,} articles: during edits, r/s ≥ 80 % of quiet: {verdict(dropped)}")
            lines.append(f"- {size:,} articles: during edits, p99 ≤ 3× quiet: {verdict(slower)}")
            lines.append(f"- {size:,} articles: one render per purge ({PURGES_PER_SAVE} per save): {verdict(stampede)}")
    return lines


def as_json(
    pages_by_size: dict, summaries: dict, servers: list[Server], args: argparse.Namespace, sitemaps_by_size=None
) -> dict:
    return {
        "sitemaps": {str(size): figures for size, figures in (sitemaps_by_size or {}).items()},
        "settings": {key: value for key, value in vars(args).items() if key != "json"},
        "gunicorn": {"max_requests": RECYCLING.max_requests, "max_requests_jitter": RECYCLING.jitter},
        "archives": {str(size): summaries[size] for size in args.sizes},
        "worker_boots": {server.name: server.boots() - server.workers for server in servers},
        "pages": [
            {
                "articles": page.size,
                "name": page.name,
                "url": page.url,
                "bytes": page.bytes,
                "queries_cold": page.queries_cold,
                "queries_warm": page.queries_warm,
                **{
                    f"{kind}_{figure}": page.median(kind, figure)
                    for kind in (*KINDS, "edits")
                    for figure in ("rps", "p50_ms", "p99_ms")
                    if page.samples[kind]
                },
                "samples": page.samples,
            }
            for size in args.sizes
            for page in pages_by_size[size]
        ],
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    ensure_programs()
    wrk = shutil.which("wrk")
    # Ctrl-C and SIGTERM (a CI timeout, kill) unwind the stack below: everything started is stopped.
    # SIGINT explicitly too: a shell starts background jobs with it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="newsroom-bench-http."))
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        log(f"== PostgreSQL and Redis in {folder}")
        pg_socket = stack.enter_context(throwaway_postgres("512MB", prefix="newsroom-bench-http-pg."))
        redis_server = start_redis(folder, stack)
        static_env = site_environment(
            "sqlite:///:memory:", f"{redis_server}/0", folder / "static", folder / "media", False
        )
        manage(static_env, "collectstatic", "--noinput", "-v0")
        bare = start_gunicorn("bare", bare_environment(), args.workers, folder / "gunicorn-bare.log", stack)

        pages_by_size, servers_by_size, summaries = {}, {}, {}
        for index, size in enumerate(args.sizes, start=1):
            comments = args.comments if args.comments is not None else size * 10
            pages_by_size[size], servers_by_size[size], summaries[size] = prepare_size(
                size, comments, args, pg_socket, f"{redis_server}/{index}", folder, stack
            )
        servers = [bare] + [servers_by_size[size][kind] for size in args.sizes for kind in ("cached", "uncached")]
        runs = sum(wrk_runs(pages_by_size[size], args) for size in args.sizes)
        log(f"== measuring: {runs} wrk runs of {args.duration} s, about {runs * (args.duration + 1.5) / 60:.0f} min")
        measure(pages_by_size, servers_by_size, bare, wrk, args)
        sitemaps_by_size = {}
        if args.sitemap_requests:
            log("== sitemaps, uncached")
            for size in args.sizes:
                own = servers_by_size[size]
                sitemaps_by_size[size] = measure_sitemaps(own["sitemaps"], own["uncached"], args.sitemap_requests)
        # Read before the servers stop (and their logs go with the folder).
        table = render(pages_by_size, summaries, servers, args, sitemaps_by_size)
        figures = as_json(pages_by_size, summaries, servers, args, sitemaps_by_size)

    print(table)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False))
        log(f"Figures written to {args.json}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
