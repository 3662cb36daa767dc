"""`make serve`: the site with production settings on this machine, under gunicorn.

DEBUG off, a secret key, migrations, collectstatic (WhiteNoise serves the result),
then gunicorn replaces this process.
Everything can be overridden from the environment (see docs/deploying.md):

- HOST, PORT: the address to listen on (127.0.0.1:8000), as for `make run`;
- NEWSROOM_WORKERS (or WEB_CONCURRENCY, the variable platforms set): gunicorn
  workers, 2 × CPUs + 1 by default;
- NEWSROOM_SERVE_MAX_REQUESTS: requests a worker serves before gunicorn replaces it
  (1,000,000, plus up to 10 % at random; 0 = never);
- DJANGO_SECRET_KEY: otherwise one is generated once and kept in var/secret-key;
- DATABASE_URL, DATABASE_POOL, DJANGO_CACHE_*, DJANGO_EMAIL_*…: read by the settings as usual.

The task worker (`manage.py worker`, which delivers the outbox's mail) is started beside
gunicorn and stops with it; a deployment may run it as a service of its own instead
(NEWSROOM_SERVE_WORKER=0).

Without DJANGO_ALLOWED_HOSTS this is a local trial: plain HTTP on the address it
listens on (no HTTPS redirect, no Secure-only cookies, no HSTS), media files
served by the app, and the demo newsroom loaded into an empty database. A deployment
sets DJANGO_ALLOWED_HOSTS to its public names and keeps every production default
(TLS at the proxy, media served by the proxy), and never gets demo content.
"""

import ipaddress
import os
import secrets
import sys
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY_FILE = PROJECT_ROOT / "var" / "secret-key"
WILDCARD_HOSTS = {"0.0.0.0", "::", ""}


def cpu_count() -> int:
    """CPUs this process may run on (a container's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(environ: MutableMapping[str, str]) -> tuple[int, str]:
    for name in ("NEWSROOM_WORKERS", "WEB_CONCURRENCY"):
        value = environ.get(name, "").strip()
        if value:
            if not value.isdigit() or int(value) < 1:
                sys.exit(f"{name} must be a positive whole number, got {value!r}.")
            return int(value), f"from {name}"
    cores = cpu_count()
    # gunicorn's rule of thumb for sync workers: one busy on the CPU while others wait on the database.
    return 2 * cores + 1, f"2 × {cores} CPU + 1"


# Worker recycling. gunicorn replaces a worker after --max-requests requests, so that a slow leak
# in any library cannot grow for ever. Each replacement costs a boot: 0.53–0.57 s of CPU to import
# the app (measured on 2 cores, December 2026), taken from the other workers' requests. At 2,000
# requests a worker was replaced every few seconds under cached load (37 boots in one benchmark
# run, p99 at 0.6–1.2 s; 0.9–1.2 s against 25–48 ms without boots on the hello view, measured
# again: docs/deploying.md). At 100,000 a worker still booted every 90 s at the cached rate the
# page cache now reaches (about 1,150 requests a second per worker on 2 cores): 2 boots per
# server in one benchmark run, whose edit phase had a p99 of 425 ms (a boot in it, most likely). At 1,000,000 it lives a quarter of an hour at that rate and days at ordinary
# traffic: a boot costs under 0.1 % of its worker's time. Workers use 72–79 MB and have not been
# seen to grow, so recycling stays a guard, not a cure.
DEFAULT_MAX_REQUESTS = 1_000_000
JITTER_PERCENT = 10  # workers started together are never all replaced at the same moment


@dataclass(frozen=True)
class Recycling:
    """gunicorn's --max-requests and --max-requests-jitter, and where the value came from."""

    max_requests: int
    reason: str

    @property
    def jitter(self) -> int:
        return self.max_requests * JITTER_PERCENT // 100

    def describe(self) -> str:
        if not self.max_requests:
            return f"never: workers are not recycled ({self.reason})"
        return f"{self.max_requests:,} per worker + up to {self.jitter:,} at random, then a new worker ({self.reason})"


def worker_recycling(environ: Mapping[str, str]) -> Recycling:
    value = environ.get("NEWSROOM_SERVE_MAX_REQUESTS", "").strip().replace("_", "")
    if not value:
        return Recycling(DEFAULT_MAX_REQUESTS, "default: minutes of life under cached load, a guard against slow leaks")
    if not value.isdigit():
        sys.exit(f"NEWSROOM_SERVE_MAX_REQUESTS must be a whole number (0 = never), got {value!r}.")
    return Recycling(int(value), "from NEWSROOM_SERVE_MAX_REQUESTS")


def gunicorn_command(
    bind: str, workers: int, recycling: Recycling, access_log: str = "-", error_log: str = "-"
) -> list[str]:
    """The gunicorn that `make serve` runs; the HTTP benchmark starts this very command
    (scripts/bench_http.py), with its own address, log files and environment."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "newsroom.wsgi:application",  # DJANGO_SETTINGS_MODULE from the environment picks the project
        f"--bind={bind}",
        f"--workers={workers}",
        "--worker-class=sync",
        f"--max-requests={recycling.max_requests}",
        f"--max-requests-jitter={recycling.jitter}",
        "--timeout=30",
        "--graceful-timeout=20",  # on SIGTERM, requests in flight get this long to finish
        f"--access-logfile={access_log}",  # standard output by default, for the process manager's log
        f"--error-logfile={error_log}",
        # No gunicornc control socket: its default path in $HOME is shared by every
        # gunicorn of the user, and we do not use it.
        "--no-control-socket",
        # No --preload: each worker imports the app itself, after the fork. It costs a
        # little memory and half a second of CPU per boot (rare, see DEFAULT_MAX_REQUESTS), but
        # no database connection, pool thread or open file can be shared by accident between
        # workers, and `kill -HUP` reloads new code on release.
    ]


def secret_key(environ: MutableMapping[str, str], key_file: Path = SECRET_KEY_FILE) -> str:
    """The environment's key, else one made once for this checkout (var/ is not in git)."""
    if environ.get("DJANGO_SECRET_KEY"):
        return environ["DJANGO_SECRET_KEY"]
    if not key_file.exists():
        key_file.parent.mkdir(exist_ok=True)
        # Created readable by its owner only, before anything is written to it.
        with os.fdopen(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(secrets.token_urlsafe(50))
        print(f"Generated a secret key in {key_file} (mode 600).")
    return key_file.read_text().strip()


def url_host(host: str) -> str:
    """An IPv6 address goes in brackets in URLs, bind addresses and ALLOWED_HOSTS."""
    try:
        return f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        return host


def prepare_environment(host: str, environ: MutableMapping[str, str]) -> bool:
    """Set the production environment for the settings; return True for a local, plain-HTTP trial."""
    environ["DJANGO_DEBUG"] = "0"  # what this command is for: the production code paths
    environ["DJANGO_SECRET_KEY"] = secret_key(environ)
    environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    local_trial = not environ.get("DJANGO_ALLOWED_HOSTS")
    if local_trial:
        listening = [] if host in WILDCARD_HOSTS else [url_host(host)]
        environ["DJANGO_ALLOWED_HOSTS"] = ",".join(dict.fromkeys([*listening, "127.0.0.1", "localhost", "[::1]"]))
        # Tried in a browser over http:// without a TLS proxy: a redirect to https, a Secure-only
        # session or CSRF cookie or an HSTS header would each make it unusable. Variables set
        # in the environment still win.
        for name in (
            "DJANGO_SECURE_SSL_REDIRECT",
            "DJANGO_SESSION_COOKIE_SECURE",
            "DJANGO_CSRF_COOKIE_SECURE",
            "DJANGO_SECURE_HSTS_SECONDS",
        ):
            environ.setdefault(name, "0")
        environ.setdefault("NEWSROOM_SERVE_MEDIA", "1")
    elif host not in WILDCARD_HOSTS:
        # Lets the machine itself (a health check, curl) reach the address gunicorn listens on.
        hosts = environ["DJANGO_ALLOWED_HOSTS"].split(",")
        environ["DJANGO_ALLOWED_HOSTS"] = ",".join(dict.fromkeys([*hosts, url_host(host)]))
    return local_trial


def prepare_site(load_demo: bool) -> None:
    """Migrate, load the demo newsroom into an empty database if asked, collect static files."""
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    from articles.models import Article

    print("== migrate")
    call_command("migrate", interactive=False)
    if load_demo and not Article.objects.exists():
        print("== empty database: loading the demo newsroom (no demo logins with DEBUG off)")
        call_command("load_demo")
    print("== collectstatic")
    call_command("collectstatic", interactive=False, verbosity=1)
    # Nothing of this process survives the exec: gunicorn's workers open their own connections (and pools).
    for connection in connections.all():
        connection.close()
        if getattr(connection, "pool", None):
            connection.close_pool()


MAIL_WARNING = """
!! No mail server: DJANGO_EMAIL_HOST is not set. Every email (review notices, comments
!! waiting for moderation) is PRINTED ON THIS CONSOLE by the task worker, not sent.
!! Set DJANGO_EMAIL_HOST (and _PORT, _USER, _PASSWORD, _USE_TLS) to send it; it waits in
!! the outbox (admin « Courriels ») meanwhile.
"""


def describe_settings(
    workers: int, workers_reason: str, recycling: Recycling, bind_url: str, local_trial: bool
) -> None:
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        where = f"SQLite {database['NAME']}"
    else:
        where = f"PostgreSQL {database['NAME']} on {database['HOST'] or 'the default socket'}"
        pool = database.get("OPTIONS", {}).get("pool")
        where += f", psycopg pool {pool}" if pool else f", CONN_MAX_AGE={database['CONN_MAX_AGE']}"
    cache = settings.CACHES["default"]
    cache_location = cache.get("LOCATION", "")
    if isinstance(cache_location, str) and urlsplit(cache_location).password:
        # A Redis URL may carry a password: never print it.
        cache_location = cache_location.replace(f":{urlsplit(cache_location).password}@", ":***@")
    lines = [
        ("DEBUG", str(settings.DEBUG)),
        ("database", where),
        ("cache", f"{cache['BACKEND']} ({cache_location})"),
        ("workers", f"{workers} sync ({workers_reason})"),
        ("max requests", recycling.describe()),
        ("address", bind_url),
        ("allowed hosts", ", ".join(settings.ALLOWED_HOSTS)),
        ("static files", f"{settings.STATIC_ROOT}, served by WhiteNoise"),
        ("media files", f"{settings.MEDIA_ROOT}, " + ("served by the app" if settings.SERVE_MEDIA else "not served")),
        (
            "HTTPS",
            "plain HTTP (local trial: no redirect, no Secure-only cookies, no HSTS)"
            if not settings.SECURE_SSL_REDIRECT
            else "redirect to https; expects a TLS proxy setting X-Forwarded-Proto",
        ),
    ]
    mailer = settings.MAILERS["default"]
    host = mailer.get("OPTIONS", {}).get("host")
    lines.append(("mail", f"{mailer['BACKEND']}" + (f" ({host})" if host else "")))
    if local_trial:
        lines.append(("mode", "local trial (no DJANGO_ALLOWED_HOSTS): set it for a real deployment"))
    print("== settings in force")
    for label, value in lines:
        print(f"  {label + ':':<15} {value}")
    if settings.EMAIL_NOT_CONFIGURED:
        print(MAIL_WARNING)
    sys.stdout.flush()


def main() -> None:
    os.chdir(PROJECT_ROOT)
    sys.path.insert(0, str(PROJECT_ROOT))
    host = os.environ.get("HOST") or "127.0.0.1"
    port = os.environ.get("PORT") or "8000"
    workers, workers_reason = worker_count(os.environ)
    recycling = worker_recycling(os.environ)
    local_trial = prepare_environment(host, os.environ)
    prepare_site(load_demo=local_trial)
    bind = f"{url_host(host)}:{port}"
    describe_settings(workers, workers_reason, recycling, f"http://{bind}/", local_trial)
    command = gunicorn_command(bind, workers, recycling)
    if os.environ.get("NEWSROOM_SERVE_WORKER", "1") != "0":
        from task_worker import start_worker

        start_worker()
    print(f"== {' '.join(command[1:])}", flush=True)
    # exec: gunicorn takes this process's place, so make's Ctrl-C and a process
    # manager's SIGTERM reach it directly.
    os.execv(sys.executable, command)


if __name__ == "__main__":
    main()
