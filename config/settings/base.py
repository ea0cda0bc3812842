"""Settings shared by every environment. Everything that differs comes from the environment."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole number from the environment; a typo stops start-up with a message, not later."""
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "config.apps.SiteAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "legs",
]

# The header middlewares (frame options, CSP) sit outside everything that can answer early
# (WhiteNoise's static files, CommonMiddleware's 400 for a bad Host header), so every
# response gets the headers.
MIDDLEWARE = [
    "config.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PrivateCacheControlMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.middleware.HtmxLoginRedirectMiddleware",
    "config.middleware.HtmxMessagesMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite is the embedded default; DATABASE_URL (PostgreSQL) in production.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so
    # concurrent writers wait out the busy timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.UsernameOrEmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "diary"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Four cache aliases, so that no flood of one kind can evict another's entries:
# - "counters": rate-limit counters and single-use records (config/throttle.py). With Redis, on
#   a Redis that never evicts (COUNTER_REDIS_URL, else REDIS_URL, which must then run with
#   `maxmemory-policy noeviction`); without it, the database cache, which every gunicorn worker
#   shares, so limits hold across workers on one server too (`createcachetable` in `make setup`).
# - "pages": the public page cache (config/public_cache.py), bounded: with Redis, by its memory
#   limit; without, to PAGE_CACHE_MAX_ENTRIES per worker.
# - "sessions": with Redis, the cache in front of the database sessions (cached_db); losing an
#   entry costs one database read, never a log-out. Without Redis, sessions are database rows.
# - "default": anything else, in the process.
REDIS_URL = env("REDIS_URL")
COUNTER_REDIS_URL = env("COUNTER_REDIS_URL") or REDIS_URL
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", "legs")
PAGE_CACHE_MAX_ENTRIES = env_int("PAGE_CACHE_MAX_ENTRIES", 300, minimum=1)


def redis_cache(url: str, part: str) -> dict:
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": f"{CACHE_KEY_PREFIX}:{part}",
    }


if REDIS_URL:
    CACHES = {
        "default": redis_cache(REDIS_URL, "default"),
        "pages": redis_cache(REDIS_URL, "pages"),
        "sessions": redis_cache(REDIS_URL, "sessions"),
        "counters": redis_cache(COUNTER_REDIS_URL, "counters"),
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "sessions"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": PAGE_CACHE_MAX_ENTRIES},
        },
        "counters": {
            "BACKEND": "config.throttle.CounterCache",
            "LOCATION": "legs_counters",
            # Counters say how long they live; the cull is what a flood of new identities meets.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        },
    }

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Django's form renderer with the select and input widgets drawn in Python (config/forms.py).
FORM_RENDERER = "config.forms.Renderer"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Lighter Legs <coach@lighterlegs.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Rate limits count in one-minute buckets (config/throttle.py), so a window is at least 60 s.
# Each threshold can be raised from the environment (the load test gives its own server room for
# 20 users behind one IP); the defaults are the production values.
MIN_RATE_WINDOW = 60
# Proxies in front of the app that append to X-Forwarded-For (1 behind one load balancer); the
# per-IP limits then count the address the outermost one saw (config/throttle.client_ip), but
# only on connections from TRUSTED_PROXY_CIDRS (the balancer's networks): from anywhere else the
# header is the client's own writing.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
TRUSTED_PROXY_CIDRS = env_list("TRUSTED_PROXY_CIDRS")
for _cidr in TRUSTED_PROXY_CIDRS:
    try:
        ipaddress.ip_network(_cidr)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXY_CIDRS holds {_cidr!r}, which is not a network (e.g. 10.0.0.0/24)."
        ) from None
if TRUSTED_PROXY_COUNT and not TRUSTED_PROXY_CIDRS:
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT is set but TRUSTED_PROXY_CIDRS is empty: list the load balancer's "
        "networks, from which alone X-Forwarded-For is believed."
    )
# Log-in throttling: this many failures per username or per IP inside the window lock it.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=1)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 15 * 60, minimum=MIN_RATE_WINDOW)
# Sign-up and password-reset attempts per IP and per email address inside the window.
SIGNUP_LIMIT = env_int("SIGNUP_LIMIT", 10, minimum=1)
SIGNUP_WINDOW = env_int("SIGNUP_WINDOW", 60 * 60, minimum=MIN_RATE_WINDOW)
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5, minimum=1)
PASSWORD_RESET_WINDOW = env_int("PASSWORD_RESET_WINDOW", 60 * 60, minimum=MIN_RATE_WINDOW)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stderr"], "level": env("LOG_LEVEL", "INFO")},
}


def require_secret_key() -> None:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (see .env.example) before starting with production settings."
        )


CSRF_FAILURE_VIEW = "config.views.csrf_failure"

# Background work (SPEC §9): Django's Tasks API through the django-tasks backport. The database
# backend keeps the queue in the site's own database (SQLite or PostgreSQL), so nothing else is
# installed; `manage.py db_worker` runs the tasks, and more workers anywhere with the same
# DATABASE_URL share the queue.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Activity-file imports. Uploads wait in this private folder (never under static or media, never
# served) until their task has read them; one request carries at most UPLOAD_MAX_BYTES, refused
# by config.uploads before the body is read (Django streams files over 2.5 MB to a temporary
# file, so an upload never sits in the web worker's memory).
IMPORT_UPLOAD_DIR = Path(env("IMPORT_UPLOAD_DIR") or BASE_DIR / "var" / "imports")
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 100 * 1024 * 1024, minimum=1024)
# A CSV up to this size is imported within its request (a few thousand rows, about a second or
# two); a bigger one becomes a task like activity files, so no request runs long.
IMPORT_INLINE_CSV_BYTES = env_int("IMPORT_INLINE_CSV_BYTES", 256 * 1024, minimum=0)
# An import whose worker has shown no sign of life for this long (it beats once an activity,
# a second or so apart) stopped: it no longer holds back the member's next import.
IMPORT_STALE_MINUTES = env_int("IMPORT_STALE_MINUTES", 15, minimum=1)
FILE_UPLOAD_HANDLERS = [
    "config.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Comments. A form sent sooner than COMMENT_MIN_SECONDS after it was served is a bot's; each IP
# and each account may post COMMENT_RATE_LIMIT comments per COMMENT_RATE_WINDOW seconds; more
# than COMMENT_MAX_LINKS links hold a comment for moderation; reports weighing
# COMMENT_REPORTS_TO_HIDE hide it until a moderator approves it again (a report weighs 1, or 2
# from a member with an approved comment and an account COMMENT_REPORT_TRUSTED_DAYS old); each
# IP and each account may send COMMENT_REPORT_LIMIT reports per COMMENT_REPORT_WINDOW seconds.
COMMENT_MIN_SECONDS = env_int("COMMENT_MIN_SECONDS", 3, minimum=0)
COMMENT_FORM_MAX_AGE = 2 * 24 * 60 * 60
COMMENT_RATE_LIMIT = env_int("COMMENT_RATE_LIMIT", 5, minimum=1)
COMMENT_RATE_WINDOW = env_int("COMMENT_RATE_WINDOW", 10 * 60, minimum=MIN_RATE_WINDOW)
COMMENT_MAX_LINKS = 2
COMMENT_REPORTS_TO_HIDE = 3
COMMENT_REPORT_TRUSTED_DAYS = 30
COMMENT_REPORT_LIMIT = env_int("COMMENT_REPORT_LIMIT", 10, minimum=1)
COMMENT_REPORT_WINDOW = env_int("COMMENT_REPORT_WINDOW", 60 * 60, minimum=MIN_RATE_WINDOW)
# The site's public address, for links in emails sent outside a request (reply notifications).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
