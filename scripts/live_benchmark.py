#!/usr/bin/env python
"""A live under load: ``python scripts/live_benchmark.py`` (issue 25's « Done when »).

2,000 simulated readers (``--readers``) poll the live's one shared address
(``/direct/<id>/entrees.json``, what static/live/reader.js asks) every 10 seconds (``--interval``),
each at its own moment of the 10, revalidating with the ETag of their last answer as a browser
does, while a journalist posts an entry every 5 seconds (``--every``) for ``--duration`` seconds.
Behind the page cache (Redis), on ``make serve``'s gunicorn command with ``--workers`` 2
(scripts/bench_http.py's ``start_gunicorn``: production settings, bench.settings), over an SQLite
database migrated for the run.

Prints: the requests and their outcomes (200, 304, errors of every kind), each entry's delay —
from its post returning to the last reader who saw it (the max over readers; readers who never
saw it counted apart) —, and the renders of the address per entry, counted by the app itself in
the shared cache (``live.views.render_count``). Checks issue 25's goals: 0 errors, every entry
seen by every reader within 15 seconds, renders per entry ≤ workers.

The readers are coroutines in this process (one connection per request: gunicorn's sync workers
close each one), so the machine's CPU is shared between them and the server: on 2 busy cores, a
slow client shows as delay too. Everything started is stopped on exit.
"""

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import zlib
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
from bench_http import manage, start_gunicorn, throwaway_site  # noqa: E402

GOAL_DELAY_SECONDS = 15

# Run by manage.py shell in the server's environment: the newsroom, the live, and the posting loop.
SET_UP = """
from articles.models import Article, Section
from django.contrib.auth.models import Group, User
from django.utils import timezone
from live.models import LiveCoverage
section = Section.objects.create(name="Faits divers", slug="faits-divers")
article = Article.objects.create(title="Orages en Moselle : suivez la situation en direct", slug="orages",
    section=section, status=Article.Status.PUBLISHED, published_at=timezone.now(), standfirst="Le direct.",
    body="<p>Le direct de la rédaction.</p>")
journalist = User.objects.create_user("plume", first_name="Anne", last_name="Martin", is_staff=True)
journalist.groups.add(Group.objects.get(name="Journalistes"))
coverage = LiveCoverage.start(article, journalist)
print(coverage.pk)
"""
POST_LOOP = """
import sys, time
from django.contrib.auth.models import User
from live.models import LiveCoverage
from live.views import render_count
coverage, journalist = LiveCoverage.objects.get(pk=%(coverage)d), User.objects.get(username="plume")
print("renders", render_count(coverage.pk), flush=True)
start = time.monotonic()
for number in range(%(count)d):
    time.sleep(max(0, start + (number + 1) * %(every)f - time.monotonic()))
    entry = coverage.post(f"Point de situation n° {number + 1} : la Moselle monte encore.", journalist)
    print("posted", entry.pk, repr(time.time()), flush=True)
time.sleep(%(tail)f)  # the readers' last polls, before the renders are read
print("renders", render_count(coverage.pk), flush=True)
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=2000, help="simulated readers (default 2,000)")
    parser.add_argument("--interval", type=float, default=10, help="seconds between a reader's polls (default 10)")
    parser.add_argument("--every", type=float, default=5, help="seconds between two entries (default 5)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of posting (default 60: 12 entries)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--timeout", type=float, default=10, help="seconds a reader waits for an answer (default 10)")
    return parser.parse_args(argv)


@dataclass
class Tally:
    statuses: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    seen: dict = field(default_factory=dict)  # entry id → {reader: time first seen}
    latencies: list = field(default_factory=list)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


async def get(host: str, port: int, path: str, etag: str | None, timeout: float) -> tuple[int, dict, bytes]:
    """One GET on a new connection (gunicorn's sync workers close each one), as a browser's fetch with gzip."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: gzip\r\nConnection: close\r\n"
        if etag:
            request += f"If-None-Match: {etag}\r\n"
        writer.write((request + "\r\n").encode())
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    if headers.get("content-encoding") == "gzip":
        body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
    return status, headers, body


async def reader(number: int, base: str, path: str, args, tally: Tally, stop_at: float) -> None:
    parts = urlsplit(base)
    etag = None
    next_poll = time.time() + random.uniform(0, args.interval)  # each reader opened the page at its own moment
    while next_poll < stop_at:
        await asyncio.sleep(max(0, next_poll - time.time()))
        next_poll += args.interval
        started = time.monotonic()
        try:
            status, headers, body = await get(parts.hostname, parts.port, path, etag, args.timeout)
        except TimeoutError:
            tally.error("timeout")
            continue
        except (OSError, ValueError, IndexError, zlib.error) as error:
            tally.error(type(error).__name__)
            continue
        tally.latencies.append(time.monotonic() - started)
        tally.statuses[status] = tally.statuses.get(status, 0) + 1
        if status == 304:
            continue
        if status != 200:
            tally.error(f"HTTP {status}")
            continue
        etag = headers.get("etag")
        now = time.time()
        for entry in json.loads(body)["entries"]:
            tally.seen.setdefault(entry["id"], {}).setdefault(number, now)


def worker_cpu_seconds(log_file: Path) -> float:
    """CPU time (user + system) the server's workers have used so far, from gunicorn's « Booting worker with pid »."""
    total = 0.0
    for pid in re.findall(r"Booting worker with pid: (\d+)", log_file.read_text(errors="replace")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a worker gone (recycled): its time is lost to this count
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def run_readers(base: str, path: str, args, tally: Tally, stop_at: float) -> None:
    await asyncio.gather(*(reader(number, base, path, args, tally, stop_at) for number in range(args.readers)))


def main(argv=None) -> int:
    args = parse_args(argv)
    with ExitStack() as stack:
        folder, env = throwaway_site(stack, prefix="live-bench-")
        print("== migrating an SQLite database, collecting static files", file=sys.stderr)
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        coverage = int(manage(env, "shell", "-c", SET_UP).strip().splitlines()[-1])
        server = start_gunicorn("site", env, args.workers, folder / "gunicorn.log", stack)
        path = f"/direct/{coverage}/entrees.json"
        count = int(args.duration // args.every)
        tail = args.interval + 5
        poster = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                POST_LOOP % {"coverage": coverage, "count": count, "every": args.every, "tail": tail},
            ],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        stack.callback(poster.kill)
        print(
            f"== {args.readers:,} readers polling {path} every {args.interval:g} s; an entry every {args.every:g} s, "
            f"{count} in all; {args.workers} workers",
            file=sys.stderr,
        )
        tally = Tally()
        stop_at = time.time() + count * args.every + tail
        cpu_before = worker_cpu_seconds(server.log_file)
        asyncio.run(run_readers(server.base, path, args, tally, stop_at))
        cpu_used = worker_cpu_seconds(server.log_file) - cpu_before
        output, _ = poster.communicate(timeout=120)

    posted = {}
    renders = []
    for line in output.splitlines():
        words = line.split()
        if words[:1] == ["posted"]:
            posted[int(words[1])] = float(words[2])
        elif words[:1] == ["renders"]:
            renders.append(int(words[1]))
    requests = sum(tally.statuses.values()) + sum(tally.errors.values())
    errors = sum(tally.errors.values()) + sum(n for status, n in tally.statuses.items() if status not in (200, 304))
    print(
        f"requests: {requests:,} ({requests / (count * args.every + tail):,.0f}/s); answers: "
        + ", ".join(f"{status}: {n:,}" for status, n in sorted(tally.statuses.items()))
    )
    print(
        f"errors: {errors}"
        + (f" ({', '.join(f'{kind}: {n}' for kind, n in tally.errors.items())})" if tally.errors else "")
    )
    if tally.latencies:
        latencies = sorted(tally.latencies)
        print(
            f"answer time: p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms"
        )
    answered = sum(tally.statuses.values())
    if answered:
        print(f"server CPU: {cpu_used:.1f} s for {answered:,} answers = {cpu_used / answered * 1e6:,.0f} µs an answer")
    print(f"load average at the end: {' '.join(f'{value:.2f}' for value in os.getloadavg())} ({os.cpu_count()} CPUs)")
    worst = 0.0
    missed_total = 0
    print("entry   max delay   median delay   readers who saw it")
    for pk, at in sorted(posted.items()):
        seen = tally.seen.get(pk, {})
        delays = [moment - at for moment in seen.values()]
        missed = args.readers - len(seen)
        missed_total += missed
        worst = max(worst, max(delays, default=float("inf")) if not missed else float("inf"))
        print(
            f"{pk:>5}   {max(delays, default=float('nan')):>7.2f} s   {statistics.median(delays) if delays else float('nan'):>10.2f} s   {len(seen):,}/{args.readers:,}"
        )
    made = renders[-1] - renders[0] if len(renders) == 2 else None
    per_entry = made / len(posted) if made is not None and posted else float("nan")
    print(
        f"renders of the address: {made} for {len(posted)} entries = {per_entry:.2f} per entry (workers: {args.workers})"
    )
    goals = {
        "0 errors": errors == 0,
        f"every reader saw every entry within {GOAL_DELAY_SECONDS} s": missed_total == 0
        and worst <= GOAL_DELAY_SECONDS,
        f"renders per entry ≤ {args.workers} workers": per_entry <= args.workers,
    }
    for goal, met in goals.items():
        print(f"{'OK ' if met else 'NOT'} {goal}")
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
