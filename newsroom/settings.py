"""Settings for the newsroom CMS.

Everything that differs between a laptop and production comes from environment
variables (documented in docs/configuration.md). With none set, the embedded default runs:
DEBUG on, SQLite and media files under ``var/``.
"""

import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from js_asset import static_lazy

from articles import editor as body_editor
from articles.editor import process_callout, process_links, process_writing

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no, on/off), got {value!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from None


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "insecure-development-key-never-used-in-production-4b1f0c7e2d9a"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "Le Républicain du Sillon")

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "taggit",
    "django_tasks_db",
    "outbox",
    "pagecache",
    "images",
    "documents",
    "django_prose_editor",
    "articles",
    # The article page's parts come in this order below the article: the live's entries, then the
    # newsletter's form where a reader who has finished reading is, then the comment thread.
    "live",
    "newsletters",
    "anymail",
    "comments",
    "search",
    "pages",
    "alerts",
    "popularity",
    "wordpress",
]

MIDDLEWARE = [
    # /sante/ for the health probes, before anything else: no HTTPS redirect, Host check, cache or session.
    "newsroom.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # On every response, cached pages included: the browser features the site never uses, off.
    "newsroom.middleware.PermissionsPolicyMiddleware",
    # Also around the page cache, so that a page served from it carries the policy too.
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    # Old WordPress addresses (/?p=12, /2016/07/14/slug/): before the page cache, which would
    # serve the home page kept for /?p=12, and around it, to look up the addresses that found nothing.
    "wordpress.redirects.OldAddressMiddleware",
    # A NUL in the query string or an admin action on ids that are not ids: a French 400, not PostgreSQL's 500.
    "newsroom.middleware.UnreadableInputMiddleware",
    # With NEWSROOM_SITE_URL: absolute links name the site by it, never by a forged Host (a port).
    "newsroom.middleware.CanonicalHostMiddleware",
    # Before sessions, CSRF and authentication: a cached page costs none of them.
    "pagecache.middleware.PageCacheMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Right around the views: a French page for a wrong method (Django's 405 is empty).
    "newsroom.middleware.FrenchErrorPagesMiddleware",
]

if not DEBUG:
    # Each app server serves the collected, compressed, fingerprinted static
    # files itself; with DEBUG on, runserver serves them straight from static/. First after
    # SecurityMiddleware: a static file never goes through the old addresses nor the page cache.
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The nonce the admin's templates give their scripts ({% csp_nonce_attr %}): staff pages only.
                "django.template.context_processors.csp",
                "newsroom.context_processors.site",
                # The footer's menu of pages (« Mentions légales »…), cached like the section menu.
                "pages.context_processors.footer",
                "alerts.context_processors.alert",  # the breaking-news banner, cached and tagged like the menus
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

# The embedded default is SQLite under var/; production sets DATABASE_URL,
# e.g. postgres://user:password@db.example.org:5432/newsroom
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if not os.environ.get("DATABASE_URL"):
    # The embedded default must work on a fresh checkout with nothing prepared.
    VAR_DIR.mkdir(exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and Path(DATABASES["default"]["NAME"]).is_file():
    # An SQLite database that exists is opened read-write, never created: moved away or deleted while
    # the site runs, it is an error (a 503, newsroom.errors) rather than a new, empty database that
    # would look like a site without articles. A first `migrate` still creates it.
    DATABASES["default"]["NAME"] = f"file:{DATABASES['default']['NAME']}?mode=rw"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The development server's threads and the task worker write to one file: each write
    # transaction takes the lock when it begins and waits for it (rather than failing with
    # « database is locked » when a reader turns writer), and readers never wait for a writer (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL"}
    )
if env_bool("DATABASE_POOL", False):
    # psycopg's pool keeps each worker's connections open and checked between
    # requests (see docs/deploying.md). Django opens it lazily, on the first
    # query, so each gunicorn worker gets its own pool after the fork.
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_POOL needs PostgreSQL (a postgres:// DATABASE_URL); unset it for SQLite.")
    if DATABASES["default"]["CONN_MAX_AGE"]:
        raise ImproperlyConfigured(
            "DATABASE_POOL replaces persistent connections: unset DATABASE_CONN_MAX_AGE (Django requires 0 with a pool)."
        )
    # A sync gunicorn worker runs one request at a time: one connection is enough.
    _pool_min_size = env_int("DATABASE_POOL_MIN_SIZE", 1)
    _pool_max_size = env_int("DATABASE_POOL_MAX_SIZE", _pool_min_size)
    if not 0 < _pool_min_size <= _pool_max_size:
        raise ImproperlyConfigured("DATABASE_POOL_MIN_SIZE must be at least 1 and at most DATABASE_POOL_MAX_SIZE.")
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": _pool_min_size, "max_size": _pool_max_size}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A read replica (PostgreSQL streaming replication), when DATABASE_REPLICA_URL is set: anonymous
# readers' queries go to it; staff, writes and the rest of a request or session after a write go to
# the primary (newsroom/replica.py, docs/deploying.md). A replica out of reach or lagging more than
# NEWSROOM_REPLICA_MAX_LAG_SECONDS behind sends reads back to the primary without an error.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"],
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        # Django's test runner makes no database of its own for the replica: it reads the primary's
        # test database through the replica's server (see tests), never a second copy.
        "TEST": {"MIRROR": "default"},
    }
    # A replica that does not answer costs one request 2 s (libpq's shortest connect timeout), then
    # nothing until REPLICA_RETRY_SECONDS: it is marked down in that process (newsroom/replica.py).
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    if "pool" in DATABASES["default"].get("OPTIONS", {}):
        DATABASES["replica"]["OPTIONS"]["pool"] = {**DATABASES["default"]["OPTIONS"]["pool"], "timeout": 2}
    DATABASE_ROUTERS = ["newsroom.replica.ReplicaRouter"]
    # Around everything that may query: each request's reading rules, set and cleared.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("newsroom.health.HealthCheckMiddleware") + 1, "newsroom.replica.ReplicaRoutingMiddleware"
    )
REPLICA_MAX_LAG_SECONDS = env_int("NEWSROOM_REPLICA_MAX_LAG_SECONDS", 5)
# After a write, the session (or the anonymous visitor, by a cookie) reads from the primary this long.
REPLICA_PIN_SECONDS = env_int("NEWSROOM_REPLICA_PIN_SECONDS", 10)
# Each process asks the replica its lag this often while it is well, and again this long after it failed.
REPLICA_CHECK_SECONDS = env_int("NEWSROOM_REPLICA_CHECK_SECONDS", 2)
REPLICA_RETRY_SECONDS = env_int("NEWSROOM_REPLICA_RETRY_SECONDS", 10)
# After any write, everyone reads the primary this long: what a purge makes the site render again is
# not rendered from a replica still behind (0: no fence). By default, the lag bound and one check.
REPLICA_FENCE_SECONDS = env_int("NEWSROOM_REPLICA_FENCE_SECONDS", REPLICA_MAX_LAG_SECONDS + REPLICA_CHECK_SECONDS)

# The cache holds the page cache, the section menu and the comment rate limits, so it
# must be shared by every worker process of every app server: Redis in production
# (REDIS_URL), otherwise files under var/cache, which the processes of one machine share.
# A per-process memory cache would be wrong: a purge could not reach the other processes.
# Both backends fail soft (common/cache.py): a cache that fails is served as an empty one.
# Sites sharing one Redis or one folder (make run and make serve on PostgreSQL) never share
# keys — menus, counters, form-token claims — as each prefixes them with a hash of its database.
_database = DATABASES["default"]
_database_hash = hashlib.sha256(f"{_database['HOST']}|{_database['PORT']}|{_database['NAME']}".encode()).hexdigest()
_cache_key_prefix = os.environ.get("NEWSROOM_CACHE_KEY_PREFIX") or _database_hash[:12]
if os.environ.get("REDIS_URL"):
    _default_cache = {
        "BACKEND": "common.cache.ForgivingRedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": _cache_key_prefix,
        "OPTIONS": {
            # A Redis that does not answer costs one call a second at most, not a worker stuck; after
            # that, it is not asked again for BREAKER_SECONDS (a page makes several calls).
            "socket_connect_timeout": 1,
            "socket_timeout": 1,
            "BREAKER_SECONDS": env_int("NEWSROOM_CACHE_BREAKER_SECONDS", 5),
        },
    }
elif os.environ.get("DJANGO_CACHE_BACKEND"):
    _default_cache = {
        "BACKEND": os.environ["DJANGO_CACHE_BACKEND"],
        "LOCATION": os.environ.get("DJANGO_CACHE_LOCATION", "newsroom"),
        "KEY_PREFIX": _cache_key_prefix,
    }
else:
    _default_cache = {
        "BACKEND": "common.cache.ForgivingFileBasedCache",
        "LOCATION": os.environ.get("DJANGO_CACHE_LOCATION", str(VAR_DIR / "cache")),
        "KEY_PREFIX": _cache_key_prefix,
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
CACHES = {"default": _default_cache}

# The page cache for anonymous readers (see docs/page-cache.md). 0 turns it off; off by
# default with DEBUG on, where a developer changes templates and CSS that no purge follows.
PAGE_CACHE_SECONDS = env_int("NEWSROOM_PAGE_CACHE_SECONDS", 0 if DEBUG else 3600)
PAGE_CACHE_STALE_SECONDS = env_int("NEWSROOM_PAGE_CACHE_STALE_SECONDS", 30)  # stale-while-revalidate, for a CDN
# A page purged (or expired) is served as it was, for this long at most, while one worker renders it
# again: the others do not all render it at once. Never for content withdrawn (pagecache.purge(at_once=True)).
# 0: every request for a stale page renders it.
PAGE_CACHE_REVALIDATE_SECONDS = env_int("NEWSROOM_PAGE_CACHE_REVALIDATE_SECONDS", 5)
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_RELEASE = os.environ.get("NEWSROOM_RELEASE", "")
# The only query parameters reader pages read; an address with any other is served but never kept.
PAGE_CACHE_QUERY_PARAMETERS = {"page", "p", "repondre", "commentaires"}
CDN_PURGE_URL = os.environ.get("NEWSROOM_CDN_PURGE_URL", "")
CDN_PURGE_TOKEN = os.environ.get("NEWSROOM_CDN_PURGE_TOKEN", "")
CDN_PURGE_TIMEOUT_SECONDS = env_int("NEWSROOM_CDN_PURGE_TIMEOUT_SECONDS", 3)
# Varnish servers in front (deploy/varnish/), each purged by xkey for every committed change's tags,
# through the task worker with retries (pagecache/varnish.py): « http://10.0.0.5:6081, http://10.0.0.6:6081 ».
VARNISH_PURGE_URLS = env_list("NEWSROOM_VARNISH_PURGE_URLS", [])
PAGE_CACHE_PURGE_HOOK = os.environ.get(
    "NEWSROOM_PAGE_CACHE_PURGE_HOOK",
    "pagecache.varnish.purge_tags" if VARNISH_PURGE_URLS else "pagecache.cdn.post_tags" if CDN_PURGE_URL else "",
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
# In production the proxy serves MEDIA_ROOT; `make serve` turns this on so the
# app serves it itself when tried without a proxy. DEBUG always does.
SERVE_MEDIA = DEBUG or env_bool("NEWSROOM_SERVE_MEDIA", False)

# Media on S3-compatible object storage (Scaleway, OVH, AWS, MinIO, Garage…) through django-storages,
# when NEWSROOM_MEDIA_S3_BUCKET is set: uploads, renditions and documents go to the bucket and readers
# load them from NEWSROOM_MEDIA_S3_PUBLIC_URL (the bucket's public address or a CDN in front of it).
MEDIA_S3_BUCKET = os.environ.get("NEWSROOM_MEDIA_S3_BUCKET", "")
MEDIA_ORIGINS: list[str] = []  # other origins readers load media from
if MEDIA_S3_BUCKET:
    # The public address may hold a path (« http://127.0.0.1:9000/bucket », a path-style address):
    # django-storages writes « <protocol>//<custom_domain>/<name> », so the path stays in custom_domain.
    _media_public = urlsplit(os.environ.get("NEWSROOM_MEDIA_S3_PUBLIC_URL", "").strip())
    _media_storage = {
        "BACKEND": "images.storage.MediaS3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": os.environ.get("NEWSROOM_MEDIA_S3_ENDPOINT") or None,
            "region_name": os.environ.get("NEWSROOM_MEDIA_S3_REGION") or None,
            "access_key": os.environ.get("NEWSROOM_MEDIA_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("NEWSROOM_MEDIA_S3_SECRET_KEY") or None,
            # Public files at stable addresses: no signed, expiring links in cached pages.
            "querystring_auth": False,
            "default_acl": None,
            "file_overwrite": False,
            "custom_domain": (_media_public.netloc + _media_public.path).rstrip("/") or None,
            "url_protocol": f"{_media_public.scheme or 'https'}:",
            # A file read back (a kept upload, a document streamed to staff) goes to a temporary
            # file beyond 8 Mo rather than memory: a 500 Mo video must not sit in a worker.
            "max_memory_size": 8 * 1024 * 1024,
            # Every media name holds a fresh random key and is never rewritten: image files may be
            # kept for a year. Documents an hour, as /documents/<id>/ promises: a document deleted
            # or hidden is gone from every cache within the hour.
            "cache_control": {
                "images/": "public, max-age=31536000, immutable",
                "": "public, max-age=3600",
            },
        },
    }
    if _media_public.netloc:
        MEDIA_URL = urlunsplit(_media_public).rstrip("/") + "/"
    # Pages load pictures, and players the audio and video /documents/<id>/ redirects to, from there:
    # the Content-Security-Policy below lets them.
    _media_address = urlsplit(MEDIA_URL if _media_public.netloc else os.environ.get("NEWSROOM_MEDIA_S3_ENDPOINT", ""))
    if _media_address.netloc:
        MEDIA_ORIGINS = [f"{_media_address.scheme or 'https'}://{_media_address.netloc}"]
    # Readers get media from the bucket's address: the app has nothing to serve under MEDIA_URL.
    SERVE_MEDIA = False
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

TAGGIT_CASE_INSENSITIVE = True

# Reader lists
ARTICLES_PER_PAGE = env_int("NEWSROOM_ARTICLES_PER_PAGE", 12)
HOME_ARTICLES_PER_SECTION = env_int("NEWSROOM_HOME_ARTICLES_PER_SECTION", 4)
# The front page the editors compose: the lead story and the top slots after it (articles.frontpage).
FRONT_PAGE_SLOTS = env_int("NEWSROOM_FRONT_PAGE_SLOTS", 7)

LOGIN_URL = "admin:login"

# Production hardening: on unless DEBUG, each one overridable for a deployment
# behind a TLS-terminating proxy that already does it.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    # Off only for `make serve`'s local trial over plain HTTP (scripts/serve.py).
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (Django's ContentSecurityPolicyMiddleware, picked per page by
# newsroom.middleware.ContentSecurityPolicyMiddleware). Reader pages: scripts, styles and images of
# the site itself, no inline script, no nonce either — a page kept by the page cache is served to every
# reader, a nonce in it would be the same for all of them and protect nothing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Callout boxes carry their colours in a style attribute (articles/body.py, `_callout_start`): any hex
    # colour a journalist or a WordPress import chose, which no class palette can hold. Only our renderer
    # writes one, from a validated colour (stored bodies pass nh3 with no style attribute allowed); the
    # 500 and 503 pages, which must need no other file, have one too. Attributes only: a <style> element
    # injected in a page would still be refused.
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, *MEDIA_ORIGINS],
    **({"media-src": [CSP.SELF, *MEDIA_ORIGINS]} if MEDIA_ORIGINS else {}),
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],  # as X_FRAME_OPTIONS
}
# The stylesheet Tiptap (in django-prose-editor's editor.js) adds to the page as a <style> element of its
# own, with no nonce: ProseMirror's base rules, `white-space: pre-wrap` among them, without which typed
# spaces would become non-breaking ones. Allowed by its hash, which tests/test_csp.py checks against the
# installed package (a new version of the editor may change it).
EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
# Staff pages (the admin, the image picker, the moderation desk): never cached, so a nonce per response
# for what must be inline — the editor's import map, Django admin's inline styles and nonce-d scripts.
STAFF_CSP = SECURE_CSP | {
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE, EDITOR_STYLE_HASH],
}

# Mail is never sent inside a request: it is written to the outbox (outbox/) and delivered by the
# task worker (`manage.py worker`, started by `make run` and `make serve`), with retries.
# Without DJANGO_EMAIL_HOST (nor DJANGO_EMAIL_BACKEND), mail is printed on the worker's console,
# and `make serve` and `check --deploy` say so.
EMAIL_NOT_CONFIGURED = not (os.environ.get("DJANGO_EMAIL_HOST") or os.environ.get("DJANGO_EMAIL_BACKEND"))
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG or EMAIL_NOT_CONFIGURED
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
        "OPTIONS": {
            key: value
            for key, value in {
                "host": os.environ.get("DJANGO_EMAIL_HOST"),
                "port": env_int("DJANGO_EMAIL_PORT", 0) or None,
                "username": os.environ.get("DJANGO_EMAIL_USER"),
                "password": os.environ.get("DJANGO_EMAIL_PASSWORD"),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False) or None,
                # A server that does not answer holds up one delivery attempt, then the next is scheduled.
                "timeout": env_int("DJANGO_EMAIL_TIMEOUT", 20) if os.environ.get("DJANGO_EMAIL_HOST") else None,
            }.items()
            if value is not None
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "redaction@localhost")
# Newsletters (docs/newsletters.md). Editions may go through another mailer than the site's notices:
# an email provider through django-anymail (NEWSROOM_NEWSLETTER_EMAIL_BACKEND, e.g.
# « anymail.backends.brevo.EmailBackend », with its ANYMAIL_* keys), or by default the same SMTP server.
_NEWSLETTER_BACKEND = os.environ.get("NEWSROOM_NEWSLETTER_EMAIL_BACKEND")
MAILERS["newsletters"] = (
    {"BACKEND": _NEWSLETTER_BACKEND, "OPTIONS": {}} if _NEWSLETTER_BACKEND else dict(MAILERS["default"])
)
# django-anymail: the provider's keys come from the environment (ANYMAIL_<PROVIDER>_API_KEY…, read
# by anymail itself); its webhooks (bounces, complaints) answer only with this shared secret.
ANYMAIL = {"WEBHOOK_SECRET": os.environ.get("NEWSROOM_ANYMAIL_WEBHOOK_SECRET", "")}
NEWSLETTER_FROM_EMAIL = os.environ.get("NEWSROOM_NEWSLETTER_FROM_EMAIL", DEFAULT_FROM_EMAIL)
NEWSLETTER_REPLY_TO = os.environ.get("NEWSROOM_NEWSLETTER_REPLY_TO", NEWSLETTER_FROM_EMAIL)
# The mailto: of List-Unsubscribe; its mail carries the subscriber's key in the subject.
NEWSLETTER_UNSUBSCRIBE_MAILTO = os.environ.get("NEWSROOM_NEWSLETTER_UNSUBSCRIBE_MAILTO", NEWSLETTER_FROM_EMAIL)
# At most this many mails a second per worker (0: as fast as the server takes them).
NEWSLETTER_RATE = env_int("NEWSROOM_NEWSLETTER_RATE", 0)
# Mails sent over one connection before it is closed and the progress looked at again.
NEWSLETTER_BATCH = env_int("NEWSROOM_NEWSLETTER_BATCH", 500)
# A delivery a worker took and did not finish within this time is taken again (the worker was killed).
NEWSLETTER_STALE_SECONDS = env_int("NEWSROOM_NEWSLETTER_STALE_SECONDS", 120)
# A confirmation link is valid this long; unconfirmed subscriptions are then deleted.
NEWSLETTER_CONFIRM_DAYS = env_int("NEWSROOM_NEWSLETTER_CONFIRM_DAYS", 7)
# The newsroom's postal address, at the foot of every edition (what the law asks of a sender of newsletters).
NEWSLETTER_POSTAL_ADDRESS = os.environ.get("NEWSROOM_NEWSLETTER_POSTAL_ADDRESS", "")

# Background tasks (mail delivery), kept in the database: nothing more to run than the worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A mail still undelivered this long after it was asked for is given up (the outbox shows it).
OUTBOX_GIVE_UP_HOURS = env_int("NEWSROOM_OUTBOX_GIVE_UP_HOURS", 72)
# Waits after each failed attempt, in seconds (30 s, 1, 2, 5, 10, 15 min, then every 30 min).
OUTBOX_RETRY_SECONDS = [
    int(value) for value in env_list("NEWSROOM_OUTBOX_RETRY_SECONDS", ["30", "60", "120", "300", "600", "900", "1800"])
]
# The site's public address, when configured: every absolute link uses it (newsroom.middleware).
CANONICAL_SITE_URL = os.environ.get("NEWSROOM_SITE_URL", "").rstrip("/")
# The site's address for the links in staff emails (the desk's notifications), which are sent
# without a request to take it from: the first trusted origin, else the first allowed host.
SITE_URL = (
    os.environ.get("NEWSROOM_SITE_URL")
    or next((origin for origin in CSRF_TRUSTED_ORIGINS if "*" not in origin), "")
    or (
        f"https://{ALLOWED_HOSTS[0].lstrip('.')}" if ALLOWED_HOSTS and not DEBUG and "*" not in ALLOWED_HOSTS[0] else ""
    )
    or f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
).rstrip("/")

# Who hears of a server error (the 500 page says « La rédaction en a été avertie »): every error is
# logged at ERROR on the console (the process's stderr, which the service manager keeps, through the
# root logger below), and Django's own logging mails it to these addresses when DEBUG is off
# (« alice@example.org, bob@example.org »; empty: logged only).
ADMINS = env_list("DJANGO_ADMINS", [])
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True

# Live coverage, readers' side (see docs/live.md): how often their pages ask for new entries
# (every reader shares one cached address, so this sets their delay, not the server's load),
# and how many entries a page shows before « Entrées précédentes » (15, not 20, since every article
# ends with the newsletter's form: a 1,000-entry live's page stays under 50 KB with it).
LIVE_POLL_SECONDS = env_int("NEWSROOM_LIVE_POLL_SECONDS", 10)
LIVE_ENTRIES_PER_PAGE = env_int("NEWSROOM_LIVE_ENTRIES_PER_PAGE", 15)

# Reader comments (see docs/comments.md)
COMMENTS_CLOSE_AFTER_DAYS = env_int("NEWSROOM_COMMENTS_CLOSE_AFTER_DAYS", 30)  # 0: never close by age
COMMENTS_MAX_DEPTH = env_int("NEWSROOM_COMMENTS_MAX_DEPTH", 3)
# Comments per page of a thread, whole conversations at a time: keeps the article page light.
COMMENTS_PER_PAGE = env_int("NEWSROOM_COMMENTS_PER_PAGE", 30)
COMMENTS_MAX_LENGTH = env_int("NEWSROOM_COMMENTS_MAX_LENGTH", 5000)
COMMENTS_MAX_LINKS = env_int("NEWSROOM_COMMENTS_MAX_LINKS", 2)
COMMENTS_MIN_SECONDS_TO_WRITE = env_int("NEWSROOM_COMMENTS_MIN_SECONDS_TO_WRITE", 3)
COMMENTS_FORM_MAX_AGE_SECONDS = env_int("NEWSROOM_COMMENTS_FORM_MAX_AGE_SECONDS", 24 * 60 * 60)
COMMENTS_RATE_LIMIT = env_int("NEWSROOM_COMMENTS_RATE_LIMIT", 5)  # posts per address and window; 0: no limit
COMMENTS_RATE_WINDOW_SECONDS = env_int("NEWSROOM_COMMENTS_RATE_WINDOW_SECONDS", 10 * 60)
COMMENTS_AUTO_APPROVE_KNOWN_AUTHORS = env_bool("NEWSROOM_COMMENTS_AUTO_APPROVE_KNOWN_AUTHORS", False)
# Readers' reports: this many open reports hide a comment until a moderator decides;
# each address may send so many reports per window (0: no limit).
COMMENTS_REPORTS_TO_HIDE = env_int("NEWSROOM_COMMENTS_REPORTS_TO_HIDE", 3)
COMMENTS_REPORT_RATE_LIMIT = env_int("NEWSROOM_COMMENTS_REPORT_RATE_LIMIT", 10)
COMMENTS_REPORT_RATE_WINDOW_SECONDS = env_int("NEWSROOM_COMMENTS_REPORT_RATE_WINDOW_SECONDS", 60 * 60)
# Behind a reverse proxy, the client's address is the last one the proxy appended.
TRUST_X_FORWARDED_FOR = env_bool("NEWSROOM_TRUST_X_FORWARDED_FOR", False)
# Signing in to the admin (common.login, docs/decisions/sign-in-throttling.md). Wrong passwords count
# per login *and* address: past LOGIN_FREE_FAILURES that pair waits 1 s, 2 s, 4 s … before its next try;
# from LOGIN_LOCK_FAILURES on it is locked for LOGIN_LOCK_SECONDS (the right password too, from that
# address only; an administrator can lift it sooner). Past the ceilings per login (all addresses) or per
# address (all logins), tries wait too, unless the login signed in from that address before.
# Failures are forgotten LOGIN_WINDOW_SECONDS after the first.
LOGIN_FREE_FAILURES = env_int("NEWSROOM_LOGIN_FREE_FAILURES", 5)
LOGIN_LOCK_FAILURES = env_int("NEWSROOM_LOGIN_LOCK_FAILURES", 10)
LOGIN_LOCK_SECONDS = env_int("NEWSROOM_LOGIN_LOCK_SECONDS", 15 * 60)
LOGIN_FAILURES_PER_ACCOUNT = env_int("NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT", 100)
LOGIN_FAILURES_PER_ADDRESS = env_int("NEWSROOM_LOGIN_FAILURES_PER_ADDRESS", 30)
LOGIN_WINDOW_SECONDS = env_int("NEWSROOM_LOGIN_WINDOW_SECONDS", 24 * 60 * 60)

# Links readers type without a scheme become https:// links (the Django 2028 default, today).
URLIZE_ASSUME_HTTPS = True

# Callout notes (« encadrés »): the palette journalists pick from; any valid hex code works too.
# What one article body may hold (articles/body.py): beyond it, the journalist is told to split or attach.
BODY_TABLE_MAX_CELLS = env_int("NEWSROOM_BODY_TABLE_MAX_CELLS", 1000)
BODY_TABLE_MAX_COLUMNS = env_int("NEWSROOM_BODY_TABLE_MAX_COLUMNS", 30)
BODY_GALLERY_MAX_IMAGES = env_int("NEWSROOM_BODY_GALLERY_MAX_IMAGES", 100)

NOTE_PALETTE = {
    "jaune": "#ffcc00",
    "bleu": "#cfe3ff",
    "vert": "#d7f0dd",
    "rouge": "#a4161a",
    "gris": "#ecebe7",
    "marine": "#1d3557",
}

# The journalists' editor (django-prose-editor): our own node for callout notes, and how
# writing behaves (figures left with Enter, links made on purpose, a French toolbar), whose
# module also replaces the package's Figure and Link for this editor.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("articles/editor/callout.js")],
        "extensions": {"Callout": process_callout},
    },
    {
        "js": [static_lazy("articles/editor/writing.js")],
        "extensions": {"NewsroomWriting": process_writing},
    },
    # Tables and quotations (issue 23): their modules replace the package's nodes of the same name.
    {
        "js": [static_lazy("articles/editor/table.js")],
        "extensions": {
            "Table": body_editor.process_table,
            "TableRow": body_editor.process_no_tag,
            "TableHeader": body_editor.process_no_tag,
            "TableCell": body_editor.process_no_tag,
        },
    },
    {
        "js": [static_lazy("articles/editor/quote.js")],
        "extensions": {"Blockquote": body_editor.process_quote},
    },
    {
        "js": [static_lazy("articles/editor/links.js")],
        "extensions": {"NewsroomLinks": process_links},
    },
    # The image library in a dialog of the editor's page, drop and paste of image files, and
    # galleries (issue 23): static/articles/editor/library.js and gallery.js.
    {
        "js": [static_lazy("articles/editor/library.js")],
        "extensions": {"NewsroomLibrary": body_editor.process_library},
    },
    {
        "js": [static_lazy("articles/editor/gallery.js")],
        "extensions": {"Gallery": body_editor.process_gallery},
    },
    # Documents, audio and video of the library (issue 23): static/articles/editor/media.js.
    {
        "js": [static_lazy("articles/editor/media.js")],
        "extensions": {"Media": body_editor.process_media, "NewsroomMedia": body_editor.process_media},
    },
    # Embeds of other sites' posts and videos (issue 23): static/articles/editor/embed.js.
    {
        "js": [static_lazy("articles/editor/embed.js")],
        "extensions": {"Embed": body_editor.process_embed},
    },
]

# Image library: uploads are checked, stripped of metadata and resized once, when saved.
IMAGES_MAX_UPLOAD_BYTES = env_int("NEWSROOM_IMAGES_MAX_UPLOAD_BYTES", 15 * 1024 * 1024)
IMAGES_MAX_PIXELS = env_int("NEWSROOM_IMAGES_MAX_PIXELS", 40_000_000)  # refused above, before decoding
IMAGES_RENDITION_WIDTHS = sorted(
    int(width) for width in env_list("NEWSROOM_IMAGES_RENDITION_WIDTHS", ["480", "800", "1200", "1600"])
)

# Document library: PDFs and office files are read whole in memory to be checked and rewritten;
# audio and video are only checked and stored as sent.
DOCUMENTS_MAX_UPLOAD_BYTES = env_int("NEWSROOM_DOCUMENTS_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
MEDIA_MAX_UPLOAD_BYTES = env_int("NEWSROOM_MEDIA_MAX_UPLOAD_BYTES", 500 * 1024 * 1024)
