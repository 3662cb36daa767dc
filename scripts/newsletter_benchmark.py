#!/usr/bin/env python
"""Benchmark of sending a newsletter edition: ``make bench-newsletter`` (``SIZE=10000`` for a smaller list).

1. starts a throwaway PostgreSQL server (bench.tools, as ``make bench-wordpress`` does) and migrates
   a database on it;
2. writes ``--size`` confirmed subscribers (100,000 by default) of « La lettre du matin » and a morning
   edition of twelve articles, the lead with its picture, and sends it now (bench/newsletter.py);
3. measures the SMTP sink alone first (bench/smtp_sink.py, aiosmtpd in a process of its own): one
   client sending the edition's real message ``--sink-alone`` times over one connection, as fast as
   it takes them — the most any sender can get from this sink on this machine;
4. starts the sink again and ``manage.py worker`` (the real task worker, production settings, DEBUG
   off, Django's SMTP backend to the sink) and waits until every subscriber's copy has arrived:
   wall time from the worker's start, messages a second, the worker's peak memory (VmHWM) and its
   resident memory along the way (flat or growing), CPU of the worker and of the sink;
5. checks the result: the sink saw each address once, and the edition's figures say it was sent.

Everything started is stopped and the temporary folder removed on exit.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
from bench.tools import create_database, format_table, free_port, stop, throwaway_postgres  # noqa: E402

PYTHON = sys.executable
TARGET_SECONDS = 600  # issue 26: 100,000 subscribers in at most 10 minutes on this 2-core machine
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

FIGURES = """
import json
from newsletters.models import Edition
from newsletters.sending import figures
edition = Edition.objects.get(pk={edition})
print(json.dumps({{"status": edition.status, "recipients_count": edition.recipients_count, **figures(edition)}}))
"""
SAMPLE_MESSAGE = """
import email.policy, sys
from newsletters.mail import EditionMail
from newsletters.models import Edition, Subscriber
message = EditionMail(Edition.objects.get(pk={edition})).message_for(Subscriber.objects.order_by("pk").first())
sys.stdout.buffer.write(message.message(policy=email.policy.SMTP).as_bytes())
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", type=int, default=100_000, help="subscribers (default 100,000)")
    parser.add_argument("--batch", type=int, default=500, help="NEWSROOM_NEWSLETTER_BATCH (default 500)")
    parser.add_argument("--rate", type=int, default=0, help="NEWSROOM_NEWSLETTER_RATE (default 0: no limit)")
    parser.add_argument("--sink-alone", type=int, default=20_000, help="messages of the sink-alone measure (20,000)")
    parser.add_argument("--timeout", type=int, default=1800, help="give up after this many seconds of sending")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    if args.size < 10:
        parser.error("--size needs at least 10 subscribers")
    return args


def environment(database_url: str, folder: Path, smtp_port: int, args) -> dict:
    """Production settings (DEBUG off) on the benchmark's database, mail to the sink."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "NEWSROOM_", "DATABASE_"))}
    env.pop("REDIS_URL", None)
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "www.republicain-sillon.fr",
            "NEWSROOM_SITE_URL": "https://www.republicain-sillon.fr",
            "DJANGO_MEDIA_ROOT": str(folder / "media"),
            "DJANGO_STATIC_ROOT": str(folder / "static"),
            "DJANGO_CACHE_LOCATION": str(folder / "cache"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(smtp_port),
            "NEWSROOM_NEWSLETTER_BATCH": str(args.batch),
            "NEWSROOM_NEWSLETTER_RATE": str(args.rate),
            "DATABASE_URL": database_url,
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def manage(env: dict, *arguments: str, binary: bool = False):
    result = subprocess.run([PYTHON, "manage.py", *arguments], env=env, cwd=PROJECT_ROOT, capture_output=True)
    if result.returncode != 0:
        raise SystemExit(f"manage.py {arguments[0]} failed:\n{result.stderr.decode(errors='replace')[-3000:]}")
    return result.stdout if binary else result.stdout.decode()


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


# Processes we watch ------------------------------------------------------------------------


def proc_status(pid: int, field: str) -> float | None:
    """A memory figure of /proc/<pid>/status in MB (VmRSS, VmHWM), None once the process is gone."""
    try:
        found = re.search(rf"^{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    except OSError:
        return None
    return int(found.group(1)) / 1024 if found else None


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


class Sink:
    """bench/smtp_sink.py in a process of its own, its figures read from its report file."""

    def __init__(self, folder: Path, name: str, stack: ExitStack):
        self.port = free_port()
        self.report = folder / f"{name}.json"
        self.process = subprocess.Popen(
            [PYTHON, str(PROJECT_ROOT / "bench" / "smtp_sink.py"), str(self.port), str(self.report)],
            cwd=PROJECT_ROOT,
        )
        stack.callback(stop, self.process)
        deadline = time.monotonic() + 20
        while not self.report.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the SMTP sink did not start")
            time.sleep(0.05)

    def figures(self) -> dict:
        return json.loads(self.report.read_text())

    def finish(self) -> dict:
        self.cpu = cpu_seconds(self.process.pid)
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        return self.figures()


def sink_alone(folder: Path, stack: ExitStack, message: bytes, count: int) -> dict:
    """One client, one connection, the same message ``count`` times, as fast as the sink answers."""
    sink = Sink(folder, "sink-alone", stack)
    client = smtplib.SMTP("127.0.0.1", sink.port)
    started = time.perf_counter()
    for number in range(count):
        client.sendmail("lettres@republicain-sillon.fr", [f"seul{number}@exemple.fr"], message)
    seconds = time.perf_counter() - started
    client.quit()
    figures = sink.finish()
    return {"messages": figures["messages"], "seconds": seconds, "rate": count / seconds, "sink_cpu": sink.cpu}


def send_edition(folder: Path, stack: ExitStack, env: dict, sink: Sink, args, edition: int) -> dict:
    log(f"Sending edition {edition} to {args.size:,} subscribers through manage.py worker…")
    worker_log = (folder / "worker.log").open("ab")
    started = time.time()
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "worker", "--no-reload", "--no-startup-delay", "--interval", "0.5"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    stack.callback(stop, worker)
    samples: list[tuple[float, float]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(1.0):
            value = proc_status(worker.pid, "VmRSS")
            if value is not None:
                samples.append((time.time() - started, round(value, 1)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    last_log = 0.0
    while True:
        received = sink.figures()["messages"]
        elapsed = time.time() - started
        if received >= args.size:
            break
        if worker.poll() is not None:
            raise SystemExit(f"the worker stopped ({worker.returncode}); see {folder / 'worker.log'}")
        if elapsed > args.timeout:
            raise SystemExit(f"not sent within {args.timeout} s: {received:,} of {args.size:,} received")
        if elapsed - last_log >= 30:
            log(f"  {elapsed:5.0f} s: {received:,} received")
            last_log = elapsed
        time.sleep(0.2)
    # The last batch's task marks the edition sent right after its last message.
    deadline = time.monotonic() + 60
    while (state := last_json(manage(env, "shell", "-c", FIGURES.format(edition=edition))))["status"] != "sent":
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    peak = proc_status(worker.pid, "VmHWM")
    worker_cpu = cpu_seconds(worker.pid)
    done.set()
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=60)
    sink_figures = sink.finish()
    return {
        "sink": sink_figures,
        "sink_cpu": sink.cpu,
        "started": started,
        "first_after": sink_figures["first"] - started,
        "seconds": sink_figures["last"] - started,
        "peak_mb": peak,
        "rss_samples": samples,
        "worker_cpu": worker_cpu,
        "edition": state,
    }


def render(args, timings: dict, alone: dict, run: dict, message_bytes: int) -> str:
    size = args.size
    seconds = run["seconds"]
    samples = [value for _, value in run["rss_samples"]]
    tenth = max(1, len(samples) // 10)
    early, late = samples[tenth : 2 * tenth] or samples[:1], samples[-2 * tenth : -tenth] or samples[-1:]
    rows = [
        ["subscribers", f"{size:,}"],
        ["migrate / prepare (s)", f"{timings['migrate']:.1f} / {timings['prepare']:.1f}"],
        ["message size (bytes)", f"{message_bytes:,}"],
        ["sink alone: messages/s (1 client, 1 connection)", f"{alone['rate']:,.0f}"],
        ["edition: first message after (s)", f"{run['first_after']:.1f}"],
        ["edition: all sent after (s)", f"{seconds:.1f}"],
        ["edition: messages/s (whole run)", f"{size / seconds:,.0f}"],
        [
            "edition: messages/s (sending only)",
            f"{size / max(0.001, seconds - run['first_after']):,.0f}",
        ],
        ["worker peak memory, VmHWM (MB)", f"{run['peak_mb']:.1f}"],
        ["worker memory at 10–20 % / 80–90 % (MB)", f"{max(early):.1f} / {max(late):.1f}"],
        ["worker CPU / sink CPU (s)", f"{run['worker_cpu']:.1f} / {run['sink_cpu']:.1f}"],
        ["sink: messages / distinct addresses / duplicates", _sink_counts(run["sink"])],
        ["edition figures (sent, refused, waiting)", _edition(run["edition"])],
        [f"within {TARGET_SECONDS // 60} minutes", "yes" if seconds <= TARGET_SECONDS else "NO"],
    ]
    header = (
        f"Newsletter benchmark: {size:,} subscribers, batch {args.batch}, rate {args.rate or 'unlimited'}; "
        f"PostgreSQL, Django's SMTP backend to aiosmtpd on loopback; {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f} at the end"
    )
    return "\n".join([header, *format_table(["", "value"], rows, 1)])


def _sink_counts(figures: dict) -> str:
    return f"{figures['messages']:,} / {figures['distinct']:,} / {figures['duplicates']:,}"


def _edition(state: dict) -> str:
    return f"{state['status']}: {state['sent']:,}, {state['refused']:,}, {state['waiting']:,}"


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="newsroom-bench-newsletter."))
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        (folder / "media").mkdir()
        pg_socket = stack.enter_context(throwaway_postgres("256MB", prefix="newsroom-newsletter-pg."))
        database_url = create_database(pg_socket, "bench_newsletter")
        sink = None
        timings = {}
        # The edition's sink's port is in the environment: started first, idle while the rest is prepared.
        sink = Sink(folder, "sink", stack)
        env = environment(database_url, folder, sink.port, args)
        log("Migrating…")
        started = time.perf_counter()
        manage(env, "migrate", "--noinput")
        timings["migrate"] = time.perf_counter() - started
        log(f"Writing {args.size:,} subscribers and the edition…")
        started = time.perf_counter()
        edition = int(
            manage(env, "shell", "-c", f"from bench.newsletter import prepare; print(prepare({args.size}))").split()[-1]
        )
        timings["prepare"] = time.perf_counter() - started
        message = manage(env, "shell", "-c", SAMPLE_MESSAGE.format(edition=edition), binary=True)
        log(f"The sink alone: {args.sink_alone:,} messages of {len(message):,} bytes…")
        alone = sink_alone(folder, stack, message, args.sink_alone)
        run = send_edition(folder, stack, env, sink, args, edition)
        print(render(args, timings, alone, run, len(message)))
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(
                json.dumps(
                    {"args": vars(args) | {"json": str(args.json)}, "timings": timings, "alone": alone, "run": run},
                    indent=1,
                )
            )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
