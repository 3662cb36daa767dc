#!/usr/bin/env python
"""Benchmark of ``manage.py import_wordpress``: time and memory of a newsroom's archive import, then of a re-run.

``make bench-wordpress`` (or ``python scripts/wordpress_benchmark.py``), for each size
(``--sizes 10000,20000`` posts by default — the issue's 10,000 posts with 50,000 comments, and
the size with 100,000 comments —, ``--comments-per-post`` 5 on average):

1. writes a synthetic export of a French regional news site (bench/wordpress_export.py:
   2–3 KB bodies with ``[note]`` boxes and links between posts, threads of comments of
   every status, categories, tags, towns and people) under ``var/bench/``;
2. starts a throwaway PostgreSQL server (as ``make test`` does: a temporary folder, Unix
   socket only, as the ``postgres`` user when run as root) and ``redis-server`` on a
   loopback port, the cache production uses (``--cache file`` for the file cache of a
   single machine, ``--sqlite`` for SQLite instead of PostgreSQL);
3. migrates a new database per size and runs ``manage.py import_wordpress`` on it in a
   process of its own, with DEBUG off: wall time, posts and comments per second, and the
   process's peak memory (its own maximum resident set size, from ``wait4``);
4. imports the same file a second time, which must change nothing: timed too, and checked
   (the report counts nothing imported or updated, and the tables' row counts and latest
   dates are the same before and after);
5. prints a table (French and English headings) and, with ``--json FILE``, every figure.

The peak memory at two sizes shows whether it grows with the file (it should not). The
issue's target: 10,000 posts with 50,000 comments in at most 3 minutes on PostgreSQL, on an idle
2-core machine (issue 24; it was 5 minutes in issue 21).
Everything started is stopped and every temporary folder removed on exit, on error and
on Ctrl-C; the exports stay in ``var/bench/`` (``--export-dir``) to be read again.

    python scripts/wordpress_benchmark.py                      # 10,000 and 20,000 posts
    python scripts/wordpress_benchmark.py --sizes 500          # a first look: a minute or two
    python scripts/wordpress_benchmark.py --sqlite --sizes 1000 --json var/bench/wordpress.json
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
from bench.tools import (  # noqa: E402
    create_database,
    format_table,
    start_redis,
    throwaway_postgres,
)
from bench.wordpress_export import ExportSummary, write_export  # noqa: E402

PYTHON = sys.executable
TARGET_SECONDS = 180  # issue 24's: 10,000 posts and 50,000 comments in at most 3 minutes
TARGET_POSTS = 10_000
# What the second run prints for each kind: the report's rows, by their French label.
REPORT_ROWS = {"Articles": "posts", "Commentaires": "comments", "Termes": "terms", "Auteurs": "authors"}
REPORT_OUTCOMES = ("imported", "updated", "unchanged", "skipped")
# Row counts and latest dates of the tables an import writes: equal before and after a re-run.
SNAPSHOT = """
import json
from django.db.models import Max
from articles.models import Article, ArticleRevision
from comments.models import Comment
from wordpress.models import ImportedItem
print(json.dumps({
    "articles": Article.objects.count(),
    "articles_updated": str(Article.objects.aggregate(m=Max("updated_at"))["m"]),
    "revisions": ArticleRevision.objects.count(),
    "comments": Comment.objects.count(),
    "imported_items": ImportedItem.objects.count(),
    "imported_at": str(ImportedItem.objects.aggregate(m=Max("imported_at"))["m"]),
}))
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--sizes", default="10000,20000", help="posts per export, comma-separated (20,000: 100,000 comments)"
    )
    parser.add_argument("--comments-per-post", type=float, default=5, help="comments per post on average (5)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the synthetic export")
    parser.add_argument("--sqlite", action="store_true", help="SQLite in a temporary folder instead of PostgreSQL")
    parser.add_argument(
        "--cache",
        choices=("redis", "file"),
        default="redis",
        help="the cache the import purges pages in: Redis as in production (default), or the file cache",
    )
    parser.add_argument("--export-dir", type=Path, default=PROJECT_ROOT / "var" / "bench", help="where exports go")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()})
    except ValueError:
        parser.error("--sizes takes whole numbers, e.g. 2000,10000")
    if not args.sizes or min(args.sizes) < 10:
        parser.error("--sizes needs at least one size of 10 posts or more")
    if args.comments_per_post < 0:
        parser.error("--comments-per-post cannot be negative")
    return args


# Processes ---------------------------------------------------------------------------


def environment(database_url: str, cache_url: str | None, folder: Path) -> dict:
    """Production settings (DEBUG off) on the benchmark's database and cache."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "NEWSROOM_", "DATABASE_"))}
    env.pop("REDIS_URL", None)
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "DJANGO_MEDIA_ROOT": str(folder / "media"),
            "DJANGO_STATIC_ROOT": str(folder / "static"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": database_url,
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    if cache_url:
        env["REDIS_URL"] = cache_url
    else:  # the file cache of a site on one machine, in a folder of this run's own
        env["DJANGO_CACHE_LOCATION"] = str(folder / "cache")
    return env


def manage(env: dict, *arguments: str) -> str:
    command = [PYTHON, "manage.py", *arguments]
    result = subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(arguments)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


# One import --------------------------------------------------------------------------


@dataclass
class Run:
    """One ``import_wordpress`` process: what it took and what it reported."""

    seconds: float
    peak_rss_mb: float  # the process's maximum resident set size
    rss_samples_mb: list[float]  # every half second, to see whether it grows along the file
    report: dict[str, dict[str, int]]  # kind → outcome → number
    problems: int
    snapshot_before: dict = field(default_factory=dict)
    snapshot_after: dict = field(default_factory=dict)

    @property
    def changed_nothing(self) -> bool:
        written = sum(self.report[kind][outcome] for kind in self.report for outcome in ("imported", "updated"))
        return written == 0 and self.snapshot_before == self.snapshot_after


def resident_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else None


def snapshot(env: dict) -> dict:
    # The last line: the shell may print what it imported by itself first.
    return json.loads(manage(env, "shell", "-c", SNAPSHOT).strip().splitlines()[-1])


def import_export(env: dict, export: Path, folder: Path, label: str) -> Run:
    """``manage.py import_wordpress`` in a process of its own, measured from here."""
    out_path, err_path = folder / f"{label}.out", folder / f"{label}.err"
    snapshot_before = snapshot(env)
    command = [PYTHON, "manage.py", "import_wordpress", str(export)]
    samples: list[float] = []
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=out, stderr=err)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.5):
                value = resident_mb(process.pid)
                if value is not None:
                    samples.append(round(value, 1))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            # wait4, not Popen.wait: it gives this child's own peak memory, not the maximum of
            # every child so far (migrate included), as getrusage(RUSAGE_CHILDREN) would.
            _pid, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            process.kill()
            raise
        finally:
            done.set()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        sampler.join()
    output = out_path.read_text()
    if process.returncode != 0:
        raise SystemExit(f"import_wordpress failed ({process.returncode}):\n{err_path.read_text()[-3000:]}")
    return Run(
        seconds=seconds,
        peak_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        rss_samples_mb=samples,
        report=parse_report(output),
        problems=parse_problems(output),
        snapshot_before=snapshot_before,
        snapshot_after=snapshot(env),
    )


def parse_report(output: str) -> dict[str, dict[str, int]]:
    """The counts table of the import's report (wordpress/report.py): one row per kind, four outcomes."""
    counts = {}
    for line in output.splitlines():
        label = line.split("  ", 1)[0].strip()
        if label in REPORT_ROWS:
            # Numbers are grouped with (narrow) spaces, « 10 000 »: cells are separated by two or more.
            cells = [cell for cell in re.split(r" {2,}", line[len(label) :].strip()) if cell]
            numbers = [int(re.sub(r"\D", "", cell) or 0) for cell in cells]
            if len(numbers) == len(REPORT_OUTCOMES):
                counts[REPORT_ROWS[label]] = dict(zip(REPORT_OUTCOMES, numbers, strict=True))
    missing = set(REPORT_ROWS.values()) - counts.keys()
    if missing:
        raise SystemExit(f"Could not read the import's report (no row for {', '.join(sorted(missing))}):\n{output}")
    return counts


def parse_problems(output: str) -> int:
    found = re.search(r"Problèmes à reprendre \(([\d\s\u202f\u00a0]+)\)", output)
    return int(re.sub(r"\D", "", found.group(1))) if found else 0


# The run -----------------------------------------------------------------------------


@dataclass
class Size:
    posts: int
    export: ExportSummary
    export_seconds: float
    first: Run
    second: Run


def measure_size(posts: int, args: argparse.Namespace, database_url: str, cache_url: str | None, folder: Path) -> Size:
    args.export_dir.mkdir(parents=True, exist_ok=True)
    path = args.export_dir / f"wordpress-{posts}-seed{args.seed}.xml"
    log(f"== {posts:,} posts: writing {path}")
    started = time.perf_counter()
    export = write_export(path, posts, args.comments_per_post, seed=args.seed)
    export_seconds = time.perf_counter() - started
    log(
        f"   {export.bytes / 1e6:.1f} MB, {export.comments:,} comments, in {export_seconds:.1f} s; "
        f"migrating a new database"
    )
    env = environment(database_url, cache_url, folder)
    manage(env, "migrate", "--noinput", "-v0")
    log("   first import…")
    first = import_export(env, path, folder, f"import-{posts}-1")
    log(f"   first import: {first.seconds:.1f} s, peak {first.peak_rss_mb:.0f} MB; the same file again…")
    second = import_export(env, path, folder, f"import-{posts}-2")
    log(
        f"   second import: {second.seconds:.1f} s, peak {second.peak_rss_mb:.0f} MB, "
        f"{'nothing changed' if second.changed_nothing else 'SOMETHING CHANGED'}"
    )
    return Size(posts, export, export_seconds, first, second)


def number(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}".replace(",", " ")


def render(sizes: list[Size], args: argparse.Namespace) -> str:
    database = "SQLite" if args.sqlite else "PostgreSQL"
    cache = "Redis" if args.cache == "redis" else "file cache / cache fichiers"
    lines = [
        f"manage.py import_wordpress — {database}, {cache}, DEBUG off, {os.cpu_count()} CPU; no images / sans images.",
        "1 = first import / premier import; 2 = the same file again / le même fichier une seconde fois "
        "(must change nothing / ne doit rien changer).",
        "RSS = peak resident memory of the import process / mémoire maximale du processus d’import.",
        "",
    ]
    headers = [
        "posts / articles",
        "comments / commentaires",
        "file / fichier",
        "run",
        "time / durée",
        "posts/s",
        "comments/s",
        "RSS max",
        "imported / importés",
        "unchanged / inchangés",
        "check / contrôle",
    ]
    rows = []
    for size in sizes:
        for label, run in (("1", size.first), ("2", size.second)):
            posts, comments = run.report["posts"], run.report["comments"]
            handled_posts = sum(posts.values())
            handled_comments = sum(comments.values())
            if label == "1":
                check = "ok" if posts["imported"] == size.export.importable_posts else "posts ≠ export"
                if comments["imported"] != size.export.importable_comments:
                    check = "comments ≠ export"
            else:
                check = "unchanged / inchangé" if run.changed_nothing else "CHANGED / MODIFIÉ"
            rows.append(
                [
                    number(size.posts),
                    number(size.export.comments),
                    f"{size.export.bytes / 1e6:.1f} MB",
                    label,
                    f"{run.seconds:.1f} s",
                    number(handled_posts / run.seconds, 1),
                    number(handled_comments / run.seconds, 1),
                    f"{run.peak_rss_mb:.0f} MB",
                    f"{number(posts['imported'])} + {number(comments['imported'])}",
                    f"{number(posts['unchanged'])} + {number(comments['unchanged'])}",
                    check,
                ]
            )
    lines += format_table(headers, rows, left_columns=0)
    lines.append("imported, unchanged = posts + comments / articles + commentaires.")
    largest = sizes[-1]
    for size in sizes:  # the figures the docs quote, one line a size
        lines.append(
            f"{number(size.posts)} posts + {number(size.export.comments)} comments / commentaires: "
            f"{size.first.seconds:.1f} s ({size.first.seconds / 60:.1f} min), peak memory / mémoire max "
            f"{size.first.peak_rss_mb:.0f} MB (getrusage maxrss of the import process / du processus d’import)."
        )
    target = next((size for size in sizes if size.posts == TARGET_POSTS), None)
    if target is not None and not args.sqlite:
        verdict = "met / atteint" if target.first.seconds <= TARGET_SECONDS else "NOT met / NON atteint"
        load = os.getloadavg()[2]  # the target is for an idle machine: say whether this one was
        busy = "; busy: measure again idle / occupée : mesurer au repos" if load > 0.5 * (os.cpu_count() or 1) else ""
        lines.append(
            f"Target / objectif: {number(TARGET_POSTS)} posts + {number(target.export.comments)} comments in at most "
            f"{TARGET_SECONDS // 60} min on PostgreSQL, idle 2-core machine: {target.first.seconds / 60:.1f} min "
            f"— {verdict} (load average over 15 min / charge moyenne sur 15 min: {load:.1f}, {os.cpu_count()} CPU"
            f"{busy})."
        )
    if len(sizes) > 1:
        smallest = sizes[0]
        ratio = largest.first.peak_rss_mb / smallest.first.peak_rss_mb
        lines.append(
            f"Memory / mémoire: peak {smallest.first.peak_rss_mb:.0f} MB at {smallest.posts:,} posts, "
            f"{largest.first.peak_rss_mb:.0f} MB at {largest.posts:,} (× {ratio:.2f} for a file × "
            f"{largest.export.bytes / smallest.export.bytes:.1f})."
        )
    return "\n".join(lines)


def as_json(sizes: list[Size], args: argparse.Namespace) -> dict:
    settings = {key: str(value) for key, value in vars(args).items() if key != "json"}
    return {
        "settings": settings,
        "cpus": os.cpu_count(),
        "sizes": [
            {
                "posts": size.posts,
                "export": asdict(size.export)
                | {"importable_posts": size.export.importable_posts, "seconds": size.export_seconds},
                "first": asdict(size.first),
                "second": asdict(size.second) | {"changed_nothing": size.second.changed_nothing},
            }
            for size in sizes
        ],
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes = []
    with ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="newsroom-bench-wordpress."))
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        pg_socket = None if args.sqlite else stack.enter_context(throwaway_postgres("512MB"))
        redis_server = start_redis(folder, stack) if args.cache == "redis" else None
        for index, posts in enumerate(args.sizes, start=1):
            if args.sqlite:
                database_url = f"sqlite:///{folder / f'wordpress-{posts}.sqlite3'}"
            else:
                database_url = create_database(pg_socket, f"bench_wordpress_{posts}")
            size_folder = folder / str(posts)
            size_folder.mkdir()
            cache_url = f"{redis_server}/{index}" if redis_server else None
            sizes.append(measure_size(posts, args, database_url, cache_url, size_folder))
    print(render(sizes, args))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(as_json(sizes, args), indent=1, ensure_ascii=False))
        log(f"Figures written to {args.json}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
