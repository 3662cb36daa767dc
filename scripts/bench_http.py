#!/usr/bin/env python
"""HTTP benchmark of the reader pages under load, cached and uncached, against a hello-world view.

``make bench-http`` (or ``python scripts/bench_http.py``), for each archive size
(``--sizes 1000,100000`` by default; comments: 10 per article unless ``--comments``):

1. starts a throwaway PostgreSQL server (as ``make test`` does: a temporary folder,
   Unix socket only, as the ``postgres`` user when run as root) and ``redis-server``
   on a free loopback port, and collects the static files into a temporary folder;
2. migrates one database per size and fills it with bench/generator.py (``COPY``,
   progress on stderr);
3. counts each page's SQL queries in-process (test client, page cache off; cold =
   empty cache, the query budget's count);
4. starts, per size, two gunicorn servers with production settings (DEBUG off, a
   generated secret key, 2 sync workers, the Redis cache): one with the page cache
   on, one with ``NEWSROOM_PAGE_CACHE_SECONDS=0``. Both use ``bench.settings``: the
   site's settings plus a hello-world view at ``/__bench__/hello/<bytes>/``, which
   production never routes to;
5. measures with ``wrk --latency`` (``--connections`` 16, ``--threads`` 2,
   ``--duration`` 10 s) every page, cached and uncached, and the hello-world view of
   the same number of bytes on the same server, in ``--rounds`` interleaved rounds
   (3), and keeps the median of each figure;
6. prints one table: req/s, p50 and p99 latency, queries, bytes, the ratio to the
   hello-world view, and with two sizes the ratio of the largest to the smallest
   (uncached p50), then, with ``--json FILE``, writes every figure there.

Everything it starts is stopped and every temporary folder removed on exit, on error
and on Ctrl-C. Only loopback addresses and a Unix socket are used. wrk and redis-server
are installed with apt-get when missing and the script runs as root.

The machine's other work shows in the figures: compare ratios within one run rather
than absolute numbers between runs.

    python scripts/bench_http.py                       # 1,000 and 100,000 articles: about 45 minutes
    python scripts/bench_http.py --sizes 1000 --duration 3 --rounds 1   # a first look: 2 minutes
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
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server (default 2)")
    parser.add_argument("--pages", default="", help="only these pages (comma-separated names, e.g. home,article)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the synthetic archive")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()})
    except ValueError:
        parser.error("--sizes takes whole numbers, e.g. 1000,100000")
    if not args.sizes or min(args.sizes) < 10:
        parser.error("--sizes needs at least one size of 10 articles or more")
    if args.duration < 1 or args.rounds < 1 or args.connections < 1 or args.threads < 1 or args.workers < 1:
        parser.error("--duration, --rounds, --connections, --threads and --workers must be at least 1")
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


# The site ------------------------------------------------------------------------------


def site_environment(database_url: str, redis_url: str, static_root: Path, media_root: Path, cached: bool) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "NEWSROOM_", "DATABASE_"))}
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


SECRET_KEY = secrets.token_urlsafe(50)


def manage(env: dict, *arguments: str, stream_stderr: bool = False) -> str:
    command = [PYTHON, "manage.py", *arguments]
    if stream_stderr:  # the generator's progress lines go straight to the terminal
        result = subprocess.run(command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
        if result.returncode != 0:
            raise SystemExit(f"manage.py {' '.join(arguments)} failed.")
        return result.stdout
    return run(command, env=env, cwd=PROJECT_ROOT).stdout


SERVER_LOGS: dict[str, Path] = {}  # base URL → its gunicorn's log (the workers' stderr too)


def start_gunicorn(env: dict, workers: int, log_file: Path, stack: ExitStack) -> str:
    port = free_port()
    gunicorn = Path(PYTHON).with_name("gunicorn")
    command = [str(gunicorn), "newsroom.wsgi", "--workers", str(workers), "--worker-class", "sync"]
    command += ["--bind", f"{HOST}:{port}", "--error-logfile", str(log_file), "--log-level", "warning"]
    with open(log_file, "ab") as output:
        # Its own process group, so that stopping it stops its workers too.
        process = subprocess.Popen(
            command, env=env, cwd=PROJECT_ROOT, stdout=output, stderr=output, start_new_session=True
        )
    stack.callback(stop, process)
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up; see its log:\n{log_file.read_text()[-3000:]}")
        try:
            fetch(f"{base}/__bench__/hello/10/")
            SERVER_LOGS[base] = log_file
            return base
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within a minute.")


def fetch(url: str) -> bytes:
    """The body as a client without compression gets it, or an error for anything but 200."""
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "identity"}), timeout=60) as r:
        if r.status != 200:
            raise urllib.error.HTTPError(url, r.status, "not 200", r.headers, None)
        return r.read()


# wrk -----------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> dict:
    """Requests per second, p50 and p99 in milliseconds, and errors from ``wrk --latency``'s report."""

    def latency(percent: str) -> float:
        found = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        return float(found.group(1)) * _UNITS[found.group(2)] if found else float("nan")

    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors:.*?timeout (\d+)", output)
    return {
        "rps": float(rate.group(1)) if rate else 0.0,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0) + (int(socket_errors.group(1)) if socket_errors else 0),
    }


def run_wrk(wrk: str, url: str, args: argparse.Namespace) -> dict:
    # A few requests first: the cached server stores the page, the workers open their connections.
    # A failure is reported with the server's log and counted, but does not stop a long run.
    failures = 0
    for _ in range(3):
        try:
            fetch(url)
        except OSError as error:
            failures += 1
            log_file = SERVER_LOGS.get("/".join(url.split("/", 3)[:3]))
            tail = log_file.read_text(errors="replace")[-2000:] if log_file and log_file.exists() else ""
            log(f"   ! {url}: {error}\n{tail}")
    command = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency", url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=args.duration + 60)
    figures = parse_wrk(result.stdout)
    figures["errors"] += failures
    return figures


# The run -------------------------------------------------------------------------------


@dataclass
class Page:
    size: int
    name: str
    url: str
    queries_cold: int
    queries_warm: int
    bytes: int = 0
    samples: dict[str, list[dict]] = field(default_factory=lambda: {"hello": [], "cached": [], "uncached": []})

    def median(self, kind: str, figure: str) -> float:
        values = [sample[figure] for sample in self.samples[kind]]
        return statistics.median(values) if values else float("nan")


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
        "cached": start_gunicorn(cached_env, args.workers, folder / f"gunicorn-{size}-cached.log", stack),
        "uncached": start_gunicorn(uncached_env, args.workers, folder / f"gunicorn-{size}-uncached.log", stack),
    }
    for page in pages:
        page.bytes = len(fetch(servers["cached"] + page.url))
        fetch(servers["uncached"] + page.url)
    return pages, servers, summary


def measure(pages_by_size: dict, servers_by_size: dict, wrk: str, args: argparse.Namespace) -> None:
    """Interleaved rounds: each page of each size, hello-world then cached then uncached, round after round."""
    names = [page.name for page in pages_by_size[args.sizes[0]]]
    total = args.rounds * len(names) * len(args.sizes) * 3
    done = 0
    started = time.perf_counter()
    for round_number in range(1, args.rounds + 1):
        for name in names:
            for size in args.sizes:
                page = next(p for p in pages_by_size[size] if p.name == name)
                servers = servers_by_size[size]
                targets = {
                    "hello": f"{servers['cached']}/__bench__/hello/{page.bytes}/",
                    "cached": servers["cached"] + page.url,
                    "uncached": servers["uncached"] + page.url,
                }
                for kind, url in targets.items():
                    page.samples[kind].append(run_wrk(wrk, url, args))
                    done += 1
                remaining = (time.perf_counter() - started) / done * (total - done)
                log(
                    f"   round {round_number}/{args.rounds}, {size:,} articles, {name}: "
                    f"{page.samples['cached'][-1]['rps']:.0f} req/s cached, "
                    f"{page.samples['uncached'][-1]['rps']:.0f} uncached, "
                    f"{page.samples['hello'][-1]['rps']:.0f} hello ({done * 100 // total} %, ~{remaining / 60:.0f} min left)"
                )


# Report --------------------------------------------------------------------------------


def number(value: float, digits: int = 0) -> str:
    if value != value:  # NaN
        return "–"
    return f"{value:,.{digits}f}".replace(",", " ")


def render(pages_by_size: dict, summaries: dict, args: argparse.Namespace) -> str:
    smallest, largest = args.sizes[0], args.sizes[-1]
    lines = [
        f"Reader pages under load: gunicorn {args.workers} sync workers, PostgreSQL, Redis, DEBUG off; "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, medians of {args.rounds} interleaved round(s).",
        "req/s and latency (p50, p99 in ms) for the page cached, uncached (NEWSROOM_PAGE_CACHE_SECONDS=0), and a "
        "hello-world view of the same size on the same server;",
        "× hello = req/s ÷ hello-world req/s; queries = SQL queries of the uncached page with an empty cache "
        "(the budget's count)"
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
    headers = ["articles", "page", "bytes", "queries", "hello r/s", "cached r/s", "p50", "p99", "× hello"]
    headers += ["uncached r/s", "p50", "p99", "× hello"]
    two_sizes = len(args.sizes) > 1
    if two_sizes:
        headers.append(f"{largest // 1000}k/{smallest // 1000}k" if smallest >= 1000 else f"{largest}/{smallest}")
    rows = []
    for name in [page.name for page in pages_by_size[smallest]]:
        for size in args.sizes:
            page = next(p for p in pages_by_size[size] if p.name == name)
            hello = page.median("hello", "rps")
            row = [f"{size:,}", name, number(page.bytes), str(page.queries_cold), number(hello)]
            for kind in ("cached", "uncached"):
                rps = page.median(kind, "rps")
                row += [number(rps), number(page.median(kind, "p50_ms"), 1), number(page.median(kind, "p99_ms"), 1)]
                row.append(f"{rps / hello:.2f}" if hello else "–")
            if two_sizes:
                if size == largest:
                    base = next(p for p in pages_by_size[smallest] if p.name == name).median("uncached", "p50_ms")
                    row.append(f"{page.median('uncached', 'p50_ms') / base:.2f}" if base else "–")
                else:
                    row.append("")
            rows.append(row)
    lines += format_table(headers, rows, left_columns=2)
    errors = sum(s["errors"] for pages in pages_by_size.values() for p in pages for k in p.samples.values() for s in k)
    if errors:
        lines += ["", f"Warning: {errors} failed or timed-out requests during the runs (see the JSON)."]
    return "\n".join(lines)


def as_json(pages_by_size: dict, summaries: dict, args: argparse.Namespace) -> dict:
    return {
        "settings": {key: value for key, value in vars(args).items() if key != "json"},
        "archives": {str(size): summaries[size] for size in args.sizes},
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
                    for kind in ("hello", "cached", "uncached")
                    for figure in ("rps", "p50_ms", "p99_ms")
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

        pages_by_size, servers_by_size, summaries = {}, {}, {}
        for index, size in enumerate(args.sizes, start=1):
            comments = args.comments if args.comments is not None else size * 10
            pages_by_size[size], servers_by_size[size], summaries[size] = prepare_size(
                size, comments, args, pg_socket, f"{redis_server}/{index}", folder, stack
            )
        runs = args.rounds * len(pages_by_size[args.sizes[0]]) * len(args.sizes) * 3
        log(f"== measuring: {runs} wrk runs of {args.duration} s, about {runs * (args.duration + 1) / 60:.0f} min")
        measure(pages_by_size, servers_by_size, wrk, args)

    table = render(pages_by_size, summaries, args)
    print(table)
    if args.json:
        args.json.write_text(json.dumps(as_json(pages_by_size, summaries, args), indent=1, ensure_ascii=False))
        log(f"Figures written to {args.json}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
