#!/usr/bin/env python
"""The reading beacon of « Les plus lus » under load, beside the hello-world view: ``python scripts/popularity_benchmark.py``.

Starts a throwaway ``redis-server`` and ``make serve``'s gunicorn command (bench_http.py's
``start_gunicorn``: production settings, the Redis cache, ``--workers`` 2, bench.settings with
its hello-world view at ``/__bench__/hello/<bytes>/``), then measures with wrk, in ``--rounds``
interleaved rounds (median kept):

- hello: ``GET /__bench__/hello/10/``, the least a view can do behind the site's middleware;
- beacon, new readers: ``POST /lu/<id>/`` with another user agent each time, so that every request
  is a reader not yet counted (the script's whole path: SADD, EXPIRE, HINCRBY, EXPIRE);
- beacon, reloads: the same reader again and again (SADD finds them: nothing counted).

Then checks the counts: the hour's total in Redis must equal the new readers' 204 answers.
Also measures ``count_reading`` in process (best of 5), the CPU the endpoint adds to a request.
The database is an empty SQLite file: the beacon never queries it. Everything started is
stopped on exit. wrk and redis-server must be installed (``make bench-http`` installs them).
"""

import argparse
import os
import statistics
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
from bench_http import parse_wrk, start_gunicorn, throwaway_site  # noqa: E402

from bench.tools import format_table  # noqa: E402

ARTICLE_ID = 42
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
# A POST for each request; with « new », a user agent of its own (thread and number) for each.
POST_SCRIPT = """
local counter = 1
function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
end
function init(args)
   n = 0
   args_round = args[1]
   new = args[1] ~= "same"  -- « new-<round> »: readers of each round are new to the others too
end
function request()
   n = n + 1
   local agent = "%(browser)s"
   if new then agent = agent .. " " .. args_round .. "-" .. id .. "-" .. n end
   return wrk.format("POST", nil, {["User-Agent"] = agent, ["Content-Length"] = "0"}, "")
end
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds, median kept (default 3)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    return parser.parse_args(argv)


def wrk(url: str, args, script: Path | None = None, script_args: tuple = ()) -> dict:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--timeout=10s", "--latency"]
    if script:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=args.duration + 60)
    return parse_wrk(result.stdout)


def in_process_microseconds(env: dict) -> str:
    """``count_reading`` for 500 new readers, best of 5, with Django's test requests and the same Redis: its time and CPU."""
    code = f"""
import time, django
django.setup()
from django.test import RequestFactory
from popularity.counting import count_reading
factory = RequestFactory()
best = best_cpu = None
for run in range(5):
    requests = [factory.post("/lu/", REMOTE_ADDR="127.0.0.1", HTTP_USER_AGENT="{BROWSER} in-process-%d-%d" % (run, n)) for n in range(500)]
    start, cpu = time.perf_counter(), time.process_time()
    for request in requests:
        count_reading(request, {ARTICLE_ID + 1})
    elapsed, used = (time.perf_counter() - start) / 500, (time.process_time() - cpu) / 500
    best = elapsed if best is None else min(best, elapsed)
    best_cpu = used if best_cpu is None else min(best_cpu, used)
print(f"{{best * 1e6:.0f}} µs a reading ({{best_cpu * 1e6:.0f}} µs of CPU)")
"""
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True)
    return result.stdout.strip() or result.stderr.strip()[-300:]


def main(argv=None) -> int:
    args = parse_args(argv)
    with ExitStack() as stack:
        folder, env = throwaway_site(stack, prefix="popularity-bench-")
        server = start_gunicorn("site", env, args.workers, folder / "gunicorn.log", stack)
        script = folder / "post.lua"
        script.write_text(POST_SCRIPT % {"browser": BROWSER})
        beacon = f"{server.base}/lu/{ARTICLE_ID}/"
        runs = {
            "hello (GET /__bench__/hello/10/)": (f"{server.base}/__bench__/hello/10/", None, ()),
            "beacon, new readers (POST /lu/<id>/)": (beacon, script, ("new-{round}",)),
            "beacon, reloads (same reader)": (beacon, script, ("same",)),
        }
        samples = {name: [] for name in runs}
        for round_number in range(args.rounds):
            for name, (url, lua, script_args) in runs.items():
                round_args = tuple(argument.format(round=round_number) for argument in script_args)
                samples[name].append(wrk(url, args, lua, round_args))
                print(f"round {round_number + 1}: {name}: {samples[name][-1]['rps']:.0f} req/s", file=sys.stderr)

        hello_rps = statistics.median(sample["rps"] for sample in samples[next(iter(runs))])
        rows = []
        for name, figures in samples.items():
            rps = statistics.median(sample["rps"] for sample in figures)
            rows.append(
                [
                    name,
                    f"{rps:,.0f}",
                    f"{statistics.median(sample['p50_ms'] for sample in figures):.2f}",
                    f"{statistics.median(sample['p99_ms'] for sample in figures):.2f}",
                    f"{rps / hello_rps:.2f}",
                    str(sum(sum(sample["errors"].values()) for sample in figures)),
                ]
            )
        print(f"load average at the end: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
        print(
            f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.rounds} rounds (median), "
            f"gunicorn {args.workers} sync workers, Redis on loopback TCP"
        )
        print("\n".join(format_table(["", "req/s", "p50 ms", "p99 ms", "× hello", "errors"], rows, 1)))

        import redis

        client = redis.Redis.from_url(env["REDIS_URL"])
        totals = {key: client.hgetall(key) for key in client.scan_iter("*popularity:hour:*")}
        counted = sum(int(value) for hashes in totals.values() for value in hashes.values())
        answered = sum(sample["requests"] for sample in samples["beacon, new readers (POST /lu/<id>/)"])
        reloads = sum(sample["requests"] for sample in samples["beacon, reloads (same reader)"])
        print(
            f"counted in Redis: {counted:,} readings for {answered:,} new readers' beacons and {reloads:,} reloads "
            f"(expected {answered + 1:,} to {answered + 1 + args.connections * args.rounds:,}: one reader for all the reloads, and the "
            "requests still in flight when wrk stops, which it does not count but the server does)"
        )
        print(
            f"count_reading in process (best of 5 × 500, its Redis round trip included): {in_process_microseconds(env)}"
        )
    return 0


if __name__ == "__main__":
    os.chdir(PROJECT_ROOT)
    sys.exit(main())
