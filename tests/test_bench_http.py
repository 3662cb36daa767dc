"""scripts/bench_http.py: what it reads from wrk, what it prints, and the bare project it compares with."""

import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import django
import pytest
from site_stack import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"{name}_script", PROJECT_ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench_http = load_script("bench_http")
serve_script = load_script("serve")

WRK_WITH_ERRORS = """\
Running 10s test @ http://127.0.0.1:40123/article/une-page/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   212.43ms  401.22ms   9.87s    95.12%
    Req/Sec    37.12     12.01    70.00     68.00%
  Latency Distribution
     50%  120.50ms
     75%  180.11ms
     90%  310.72ms
     99%    2.31s
  740 requests in 10.01s, 16.27MB read
  Socket errors: connect 1, read 2, write 3, timeout 27
  Non-2xx or 3xx responses: 5
Requests/sec:     73.93
Transfer/sec:      1.63MB
X-Cache: HIT 0, MISS 12, STALE 3, other 0, none 725
"""

WRK_CLEAN = """\
Running 3s test @ http://127.0.0.1:40123/
  2 threads and 16 connections
  Latency Distribution
     50%  850.00us
     99%    4.20ms
  30000 requests in 3.00s, 700.00MB read
Requests/sec:  10000.00
Transfer/sec:    233.33MB
X-Cache: HIT 29990, MISS 10, STALE 0, other 0, none 0
"""


def test_every_error_wrk_reports_is_read():
    figures = bench_http.parse_wrk(WRK_WITH_ERRORS)

    assert figures["rps"] == 73.93
    assert figures["requests"] == 740
    assert figures["p50_ms"] == 120.5
    assert figures["p99_ms"] == 2310.0  # seconds turned into milliseconds
    assert figures["errors"] == {"connect": 1, "read": 2, "write": 3, "timeout": 27, "non-2xx/3xx": 5, "warm-up": 0}
    assert figures["x_cache"] == {"HIT": 0, "MISS": 12, "STALE": 3, "other": 0, "none": 725}


def test_a_clean_run_has_no_errors_and_microseconds_are_read():
    figures = bench_http.parse_wrk(WRK_CLEAN)

    assert figures["p50_ms"] == pytest.approx(0.85)
    assert figures["p99_ms"] == 4.2
    assert bench_http.error_count(figures) == 0
    assert figures["x_cache"]["HIT"] == 29990


def test_a_failed_wrk_run_reads_as_nothing_measured():
    figures = bench_http.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")

    assert figures["rps"] == 0.0
    assert figures["p50_ms"] != figures["p50_ms"]  # NaN: printed as « – »
    assert figures["x_cache"] == dict.fromkeys(bench_http.X_CACHE_OUTCOMES, 0)


def test_errors_are_printed_by_measure_and_kind():
    errors = bench_http.parse_wrk(WRK_WITH_ERRORS)["errors"]
    no_errors = bench_http.parse_wrk(WRK_CLEAN)["errors"]

    assert bench_http.describe_errors({"cached": no_errors, "uncached": errors}) == (
        "uncached: conn 1, read 2, write 3, timeout 27, non-2xx 5"
    )
    assert bench_http.describe_errors({"cached": no_errors}) == "0"


def test_the_lua_script_counts_what_the_parser_reads():
    script = bench_http.X_CACHE_SCRIPT.read_text()
    # wrk's API: per-thread counters set in init(), read back by done() through thread:get.
    for hook in ("function setup(thread)", "function init(args)", "function response(", "function done("):
        assert hook in script
    assert 'io.write(string.format("X-Cache: HIT %d, MISS %d, STALE %d, other %d, none %d\\n"' in script


def sample(rps, p50, p99, *, hit=0, miss=0, stale=0, edits=None, timeout=0):
    figures = {
        "rps": rps,
        "requests": int(rps * 3),
        "p50_ms": p50,
        "p99_ms": p99,
        "errors": {**dict.fromkeys(bench_http.ERROR_KINDS, 0), "timeout": timeout},
        "x_cache": {"HIT": hit, "MISS": miss, "STALE": stale, "other": 0, "none": 0},
        "boots": 0,
    }
    if edits is not None:
        figures.update(edits=edits, save_ms=[30.0] * edits)
    return figures


def make_page(size, name, *, cached_rps, uncached_rps, edits_sample=None):
    page = bench_http.Page(size=size, name=name, url="/x/", queries_cold=4, queries_warm=3, bytes=40_000)
    page.samples["bare"].append(sample(2000, 7.0, 12.0))
    page.samples["hello"].append(sample(700, 20.0, 30.0))
    page.samples["cached"].append(sample(cached_rps, 10.0, 40.0, hit=9000))
    page.samples["uncached"].append(sample(uncached_rps, 200.0, 400.0, timeout=3))
    if edits_sample:
        page.samples["edits"].append(edits_sample)
    return page


class FakeServer:
    def __init__(self, name, boots, base="http://127.0.0.1:1"):
        self.name, self.workers, self._boots, self.base = name, 2, boots, base

    def boots(self):
        return self._boots


def test_the_table_gives_ratios_to_the_bare_view_errors_boots_and_the_goals():
    args = bench_http.parse_args(["--sizes", "1000", "--duration", "3", "--rounds", "1"])
    pages = [
        make_page(1000, "home", cached_rps=1700, uncached_rps=60, edits_sample=sample(900, 15, 300, miss=8, edits=3)),
        make_page(1000, "article, 50 comments", cached_rps=1200, uncached_rps=180),
        make_page(1000, "search", cached_rps=30, uncached_rps=30),
    ]
    pages[2].samples["cached"][0]["x_cache"] = {"HIT": 0, "MISS": 0, "STALE": 0, "other": 0, "none": 90}
    summaries = {1000: {"comments": 10_000, "total_seconds": 4.2, "seconds": {"articles": 1.0}}}
    servers = [FakeServer("bare", 2), FakeServer("1,000 cached", 5)]

    text = bench_http.render({1000: pages}, summaries, servers, args)

    home = next(line for line in text.splitlines() if line.startswith("1,000     home "))
    # bare 2 000, hello 700, cached 1 700: 0.85× bare, 2.43× hello; p99/p50 4.0; all hits.
    assert "2 000" in home and "1 700" in home and "0.85" in home and "2.43" in home and " 4.0 " in home
    assert "uncached: timeout 3" in home
    assert "Worker boots during the runs" in text and "bare 0, 1,000 cached 3" in text
    assert "Warning: 9 failed or timed-out requests (9 timeout)" in text
    # The edit phase: 8 renders for 3 edits.
    edits = next(line for line in text.splitlines() if line.startswith("1,000     home") and " 2.7 " in line)
    assert "0.53" in edits and " 1.3 " in edits  # 900 ÷ 1 700 during edits; 8 renders ÷ 6 purges
    assert (
        "- 1,000 articles: cached ≥ 0.8× bare: FAILS for article, 50 comments (not kept by the page cache, left out: search)"
        in text
    )
    assert "- 1,000 articles: cached p99 ≤ 3× p50: FAILS for home; article, 50 comments" in text
    assert "- 1,000 articles: uncached article ≥ 8 % of bare: 9.0% (holds)" in text
    assert "- 1,000 articles: one render per purge (2 per save): FAILS for home" in text  # 8 renders, 6 purges


def test_two_sizes_add_the_largest_to_smallest_column():
    args = bench_http.parse_args(["--sizes", "500,1000", "--no-edits"])
    pages_by_size = {
        500: [make_page(500, "home", cached_rps=1000, uncached_rps=100)],
        1000: [make_page(1000, "home", cached_rps=1000, uncached_rps=100)],
    }
    table = bench_http.main_table(pages_by_size, args)

    assert table[0].endswith("1000/500")
    assert table[-1].endswith("1.00")  # uncached p50 at 1,000 ÷ at 500


def test_sitemaps_are_timed_one_at_a_time_against_their_budget(monkeypatch):
    answers = {"/sitemap.xml": b"<sitemapindex/>", "/sitemap-articles.xml?p=100": b"<urlset>" + b" " * 99}
    monkeypatch.setattr(bench_http, "fetch", lambda url: answers[url.removeprefix("http://h")])
    ticks = iter(range(100))
    monkeypatch.setattr(bench_http.time, "perf_counter", lambda: next(ticks) * 0.01)  # 10 ms each
    sitemaps = [
        {"name": "index", "url": "/sitemap.xml"},
        {"name": "articles, last page", "url": "/sitemap-articles.xml?p=100"},
    ]

    figures = bench_http.measure_sitemaps(sitemaps, FakeServer("uncached", 2, base="http://h"), requests=3)

    assert [(f["name"], f["bytes"], f["requests"]) for f in figures] == [
        ("index", 15, 3),
        ("articles, last page", 107, 3),
    ]
    assert figures[0]["p50_ms"] == pytest.approx(10) and figures[0]["max_ms"] == pytest.approx(10)

    args = bench_http.parse_args(["--sizes", "1000,100000"])
    slow = [{**figures[0], "p50_ms": 60.0}, figures[1]]
    by_size = {1000: [figures[0]], 100000: slow}
    table = "\n".join(bench_http.sitemaps_table(by_size, args))
    assert "100k/1k" in table and "6.00" in table  # 60 ms ÷ 10 ms
    assert "articles, last page" in table  # only at the size that has one
    assert bench_http.sitemap_goals(by_size, args) == [
        "- 1,000 articles: every sitemap uncached ≤ 50 ms (p50): holds",
        "- 100,000 articles: every sitemap uncached ≤ 50 ms (p50): FAILS for index",
        "- every sitemap at 100,000 ≤ 1.3× its time at 1,000: FAILS for index",
    ]


def test_the_benchmark_starts_make_serves_gunicorn(monkeypatch, tmp_path):
    """Only the address and the log files differ from `make serve`'s command."""
    started = []

    class NeverStarts:
        def __init__(self, command, **kwargs):
            started.append(command)

        def poll(self):
            return 1

    monkeypatch.setattr(bench_http.subprocess, "Popen", NeverStarts)
    with pytest.raises(SystemExit, match="stopped at start-up"):
        bench_http.start_gunicorn("bare", {}, 2, tmp_path / "gunicorn.log", bench_http.ExitStack())

    def without_address_and_logs(command):
        return [part for part in command if not part.startswith(("--bind=", "--access-logfile=", "--error-logfile="))]

    served = serve_script.gunicorn_command("127.0.0.1:8000", 2, serve_script.worker_recycling({}))
    assert without_address_and_logs(started[0]) == without_address_and_logs(served)
    assert "--max-requests=1000000" in started[0] and "--max-requests-jitter=100000" in started[0]
    assert f"--error-logfile={tmp_path / 'gunicorn.log'}" in started[0]


def test_boots_are_counted_from_gunicorns_log():
    log = (
        "[INFO] Starting gunicorn 23.0.0\n[INFO] Booting worker with pid: 11\n[INFO] Booting worker with pid: 12\n"
        "[INFO] Autorestarting worker after current request.\n[INFO] Booting worker with pid: 13\n"
    )
    assert bench_http.count_boots(log) == 3


def test_the_bare_project_answers_its_hello_view_under_make_serves_gunicorn(tmp_path):
    """bench/bare_settings.py: startproject's settings, no database, served by the same command."""
    port = free_port()
    log_file = tmp_path / "gunicorn.log"
    command = serve_script.gunicorn_command(
        f"127.0.0.1:{port}", 1, serve_script.worker_recycling({}), access_log="/dev/null", error_log=str(log_file)
    )
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))},
        **bench_http.bare_environment(),
    }
    process = subprocess.Popen(command, env=environment, cwd=PROJECT_ROOT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log_file.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/__bench__/hello/40000/", timeout=5) as response:
                    body, headers = response.read(), response.headers
                break
            except OSError as error:
                assert time.monotonic() < deadline, f"no answer: {error!r}\n{log_file.read_text()}"
                time.sleep(0.2)
    finally:
        bench_http.stop(process)
    assert len(body) == 40_000
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["X-Frame-Options"] == "DENY"  # startproject's middleware ran
    assert "Content-Security-Policy" not in headers  # and not the site's
    assert bench_http.count_boots(log_file.read_text()) == 1


def test_the_bare_settings_are_startprojects():
    """The same apps and middleware, in the same order, as `django-admin startproject` writes for this Django."""
    code = "import bench.bare_settings as s, json; print(json.dumps([s.INSTALLED_APPS, s.MIDDLEWARE, s.DATABASES, s.DEBUG]))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SECRET_KEY": "k"},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    installed_apps, middleware, databases, debug = json.loads(result.stdout)
    template = (
        Path(django.__file__).parent / "conf" / "project_template" / "project_name" / "settings.py-tpl"
    ).read_text()

    def listed(name):
        return re.findall(
            r"'([^']+)'", re.search(rf"^{name} = \[(.*?)^\]", template, re.MULTILINE | re.DOTALL).group(1)
        )

    assert installed_apps == listed("INSTALLED_APPS")
    assert middleware == listed("MIDDLEWARE")
    assert (databases, debug) == ({}, False)
