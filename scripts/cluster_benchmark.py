"""`make bench-cluster`: Varnish in front of `make cluster`'s two app servers, measured (issue 27).

A cluster of its own (scripts/cluster.py: PostgreSQL primary and replica, Redis, moto's S3, two
gunicorn app servers, the task worker, Varnish with the shipped VCL) in a temporary folder on
free ports, stopped at the end. Two measures, with wrk:

1. **A cached article page beside a static file of the same bytes**, both served by Varnish from
   its cache. The file is the article page itself, as Varnish sends it to a browser that accepts
   gzip, written into the static files that WhiteNoise serves (``public, max-age``: Varnish keeps
   it as it keeps pages). Both runs send ``Accept-Encoding: gzip``, so the bodies on the wire are
   the same bytes; only what Varnish does for a page differs (its VCL's rules, xkey's tags, the
   headers it rewrites). Rounds interleaved, medians kept; the ratio page/file (goal ≥ 0.5).
2. **A spike with an edit every 5 seconds**: wrk on the front page and the article edited (and
   a few other articles), while a journalist saves the article every 5 s (each save purges its
   tags in Varnish through the task worker). The app servers' renders are the requests their
   access logs show (health probes left out), per 1,000 reader requests served by Varnish.

    python scripts/cluster_benchmark.py [--duration 10] [--rounds 3] [--spike 60] [--json FILE]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT / "scripts"))

from bench_http import parse_wrk  # noqa: E402
from cluster import APP_SERVERS, Cluster  # noqa: E402

X_CACHE_SCRIPT = PROJECT_ROOT / "bench" / "x_cache.lua"
STATIC_COPY = "bench/article-copy.bin"
# The spike's paths: the front page and the article edited most, then other articles.
SPIKE_LUA = """
paths = {%(paths)s}
counter = 0
request = function()
   counter = counter + 1
   return wrk.format("GET", paths[(counter %% #paths) + 1], {["Accept-Encoding"] = "gzip"})
end
"""
EDITS = """
import sys, time
from articles.models import Article
article = Article.objects.get(pk={article_id})
base = article.title
number = 0
while True:
    number += 1
    article.title = f"{{base}} (mise à jour {{number}})"
    article.save()
    print("edited", time.time(), flush=True)
    time.sleep({every})
"""


def log(message: str) -> None:
    print(message, flush=True)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run of measure 1 (10)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of measure 1 (3)")
    parser.add_argument("--spike", type=int, default=60, help="seconds of the spike (60)")
    parser.add_argument("--edit-every", type=float, default=5, help="seconds between two edits in the spike (5)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server (2)")
    parser.add_argument("--json", type=Path, help="write the figures to this file too")
    return parser.parse_args(argv)


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def wrk(url: str, args: argparse.Namespace, duration: int, script: Path = X_CACHE_SCRIPT, gzip_header=True) -> dict:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--timeout=10s", "--latency"]
    if gzip_header:
        command += ["-H", "Accept-Encoding: gzip"]
    command += ["-s", str(script), url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
    if result.returncode != 0:
        raise SystemExit(f"wrk failed: {result.stderr[-1000:]}")
    return parse_wrk(result.stdout)


def app_requests(cluster: Cluster) -> int:
    """Requests the app servers answered, health probes left out (their access logs)."""
    total = 0
    for name in APP_SERVERS:
        path = cluster.log_file(f"{name}-access")
        if path.exists():
            total += sum(1 for line in path.read_text(errors="replace").splitlines() if "/sante/" not in line)
    return total


def page_beside_file(cluster: Cluster, article: str, args: argparse.Namespace) -> dict:
    status, headers, body = get(cluster.varnish_url + article, {"Accept-Encoding": "gzip"})
    assert status == 200
    static_file = cluster.folder / "static" / STATIC_COPY
    static_file.parent.mkdir(parents=True, exist_ok=True)
    static_file.write_bytes(body)
    # WhiteNoise lists the static files when it starts: the app servers are started again to serve the copy.
    for name in APP_SERVERS:
        cluster.stop_process(name)
        cluster.start_app(name)
    for name in APP_SERVERS:
        cluster.wait_for_app(name)
    file_url = f"{cluster.varnish_url}/static/{STATIC_COPY}"
    _, file_headers, file_body = get(file_url, {"Accept-Encoding": "gzip"})
    assert file_body == body, "the static copy is not the page's bytes"
    for url in (cluster.varnish_url + article, file_url):  # into Varnish's cache, checked
        get(url, {"Accept-Encoding": "gzip"})
        assert get(url, {"Accept-Encoding": "gzip"})[1].get("x-cache") == "HIT", url
    samples = {"page": [], "file": []}
    for number in range(args.rounds):
        for kind, url in (("page", cluster.varnish_url + article), ("file", file_url)):
            figures = wrk(url, args, args.duration)
            samples[kind].append(figures)
            log(
                f"   round {number + 1} {kind}: {figures['rps']:,.0f} req/s, p99 {figures['p99_ms']:.1f} ms, "
                f"errors {sum(figures['errors'].values())}, X-Cache {figures['x_cache']}"
            )
    page_rps = statistics.median(sample["rps"] for sample in samples["page"])
    file_rps = statistics.median(sample["rps"] for sample in samples["file"])
    return {
        "article": article,
        "bytes": len(body),
        "page content-encoding": headers.get("content-encoding", "identity"),
        "file bytes": len(file_body),
        "page req/s (median)": round(page_rps),
        "file req/s (median)": round(file_rps),
        "ratio page/file": round(page_rps / file_rps, 2),
        "page p99 ms (median)": statistics.median(sample["p99_ms"] for sample in samples["page"]),
        "file p99 ms (median)": statistics.median(sample["p99_ms"] for sample in samples["file"]),
        "errors": sum(sum(sample["errors"].values()) for kind in samples for sample in samples[kind]),
    }


def spike(cluster: Cluster, edited: tuple[int, str], others: list[str], args: argparse.Namespace) -> dict:
    article_id, article = edited
    paths = ["/", article, article, *others]  # the edited article twice as often: the night's story
    script = cluster.folder / "spike.lua"
    # x_cache.lua counts the answers by X-Cache; the request function above picks the paths in turn.
    script.write_text(SPIKE_LUA % {"paths": ", ".join(json.dumps(p) for p in paths)} + X_CACHE_SCRIPT.read_text())
    for path in paths:  # warm: the spike starts on a cached site, as a night does
        get(cluster.varnish_url + path, {"Accept-Encoding": "gzip"})
    env = cluster.env()
    editor = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", EDITS.format(article_id=article_id, every=args.edit_every)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(2)  # the shell's start-up, before the first edit
        renders_before = app_requests(cluster)
        started = time.time()
        figures = wrk(cluster.varnish_url + "/", args, args.spike, script=script)
        ended = time.time()
        time.sleep(1)  # the last access log lines written
        renders = app_requests(cluster) - renders_before
    finally:
        editor.terminate()
        output = editor.communicate(timeout=30)[0]
    # The edits made while wrk ran (the shell prints « edited <time> » after each save).
    edits = sum(
        1 for line in output.splitlines() if line.startswith("edited ") and started <= float(line.split()[1]) <= ended
    )
    return {
        "seconds": args.spike,
        "reader requests": figures["requests"],
        "req/s": round(figures["rps"]),
        "p99 ms": figures["p99_ms"],
        "edits": edits,
        "app server requests (renders)": renders,
        "renders per 1,000 requests": round(1000 * renders / max(figures["requests"], 1), 3),
        "renders per edit": round(renders / max(edits, 1), 1),
        "X-Cache": figures["x_cache"],
        "errors": sum(figures["errors"].values()),
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    if not shutil.which("wrk") or not shutil.which("varnishd"):
        raise SystemExit("wrk and varnishd are needed: scripts/ensure-packages.sh installs them.")
    folder = Path(tempfile.mkdtemp(prefix="newsroom-bench-cluster-"))
    cluster = Cluster(folder, preferred_ports=False, workers=args.workers)
    started = time.monotonic()
    try:
        log(f"== starting a cluster in {folder}")
        cluster.start()
        listed = cluster.manage(
            "shell",
            "-c",
            "from articles.models import Article\n"
            "for a in Article.objects.published().order_by('-published_at')[:6]:\n"
            "    print('article', a.pk, a.get_absolute_url())",
        )
        articles = [
            (int(pk), path)
            for _, pk, path in (line.split() for line in listed.splitlines() if line.startswith("article "))
        ]
        log(f"== 1. cached article page beside a static file of the same bytes, through Varnish ({articles[0][1]})")
        compared = page_beside_file(cluster, articles[0][1], args)
        log(json.dumps(compared, indent=2, ensure_ascii=False))
        log(f"== 2. spike of {args.spike} s, an edit every {args.edit_every:g} s")
        spiked = spike(cluster, articles[1], [path for _, path in articles[2:]], args)
        log(json.dumps(spiked, indent=2, ensure_ascii=False))
        figures = {
            "machine": f"{len(os.sched_getaffinity(0))} CPUs",
            "wrk": f"-t{args.threads} -c{args.connections}, Accept-Encoding: gzip",
            "app servers": f"2 × {args.workers} gunicorn sync workers",
            "page beside file": compared,
            "spike": spiked,
            "total seconds": round(time.monotonic() - started),
        }
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
        goal = "met" if compared["ratio page/file"] >= 0.5 else "NOT met"
        log(
            f"== ratio page/file {compared['ratio page/file']} (goal ≥ 0.5: {goal}); "
            f"{spiked['renders per 1,000 requests']} renders per 1,000 requests in the spike"
        )
    finally:
        taken = cluster.stop()
        if taken:
            log(f"!! ports still taken: {taken}")
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
