"""Django settings for Vigil, read from environment variables only.

Every variable is listed with its default in README.md ("Configuration"). Values are
checked by the helpers in ``vigil.lib.env``; insecure defaults are refused when DEBUG is off.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import plotly
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from vigil.lib.env import (
    EnvError,
    env_bool,
    env_broker_url,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_time_zone,
    env_url,
    local_base_url,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("VIGIL_DATA_DIR", "var")).resolve()

# Nothing in Vigil may reach for a model hub at run time (DESIGN.md §7).
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEBUG = env_bool("VIGIL_DEBUG", False)


def _broker_url() -> str:
    """VIGIL_BROKER_URL, its transports checked against kombu's own list (imported only in
    scale mode)."""
    if not env_str("VIGIL_BROKER_URL", "").strip():
        return ""
    from kombu.transport import TRANSPORT_ALIASES

    # memory:// is a queue inside one process: the web's kicks would never reach a worker.
    return env_broker_url("VIGIL_BROKER_URL", set(TRANSPORT_ALIASES) - {"memory"})


# Read before the secret key: scale mode needs the same key in every process.
BROKER_URL = _broker_url()
TASK_MODE = "celery" if BROKER_URL else "embedded"
INSECURE_SECRET_KEY = "vigil-insecure-development-key-change-me"  # noqa: S105


def _secret_key() -> str:
    """VIGIL_SECRET_KEY, else (one process) a random key kept in the data directory.

    A fresh machine gets its own key on first start instead of a shared default; the
    well-known development key is accepted only with VIGIL_DEBUG=1. Scale mode refuses to
    generate one: each process would sign with its own, and a worker's acknowledge link (or
    one web replica's session) would be refused by another process as not valid.
    """
    key = env_str("VIGIL_SECRET_KEY", "")
    if not key:
        if DEBUG:
            return INSECURE_SECRET_KEY
        if BROKER_URL:
            raise ImproperlyConfigured(
                "VIGIL_SECRET_KEY is not set; scale mode (VIGIL_BROKER_URL) needs the same key "
                "in every process (web, workers, beat), or links a worker signs are refused by "
                "the web. Make one with python -c 'import secrets; "
                "print(secrets.token_urlsafe(50))' and set it in every process's environment."
            )
        key_file = DATA_DIR / "secret.key"
        if not key_file.exists():
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        key = key_file.read_text().strip()
    if not DEBUG and (key == INSECURE_SECRET_KEY or len(key) < 32):
        raise ImproperlyConfigured(
            "VIGIL_SECRET_KEY is the development default or shorter than 32 characters; "
            "with VIGIL_DEBUG off set a long random value (python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))') or leave it unset to generate one."
        )
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("VIGIL_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("VIGIL_CSRF_TRUSTED_ORIGINS", [])
#: The largest request body Vigil reads. Django's 2.5 MB refused a push of 1,000 forum posts
#: of ~3 KB each (3.2 MB) with an HTML page; bigger bodies answer a JSON 413 naming this.
MAX_REQUEST_BYTES = env_int("VIGIL_MAX_REQUEST_BYTES", 32 * 1024 * 1024, minimum=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
# Where `vigil run` listens (its --host/--port override these).
RUN_HOST = env_str("VIGIL_HOST", "127.0.0.1").strip()
if not RUN_HOST:
    raise EnvError("VIGIL_HOST is empty; give an address such as 127.0.0.1 or 0.0.0.0")
RUN_PORT = env_int("VIGIL_PORT", 8000, minimum=1, maximum=65535)
# Links sent out point at where `vigil run` listens unless a public address is given.
BASE_URL = env_url("VIGIL_BASE_URL", local_base_url(RUN_HOST, RUN_PORT))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs (Swagger UI) from its own static files, not a CDN
    "vigil.accounts",
    "vigil.sources",
    "vigil.mentions",
    "vigil.pipeline",
    "vigil.monitoring",
    "vigil.analysis",
    "vigil.alerts",
    "vigil.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vigil.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "vigil.api.JsonErrorsMiddleware",
]

ROOT_URLCONF = "vigil.urls"
WSGI_APPLICATION = "vigil.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vigil.web.context_processors.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as exc:  # UnknownSchemeError is one too
        raise EnvError(
            f"DATABASE_URL={DATABASE_URL!r} is not a database URL "
            f"(e.g. postgres://user:pass@host:5432/vigil): {exc}"
        ) from None
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"].setdefault("OPTIONS", {})
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "vigil.sqlite3"),
            "OPTIONS": {},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web requests and worker threads write the same file: WAL lets readers go on while
    # one writes, IMMEDIATE makes writers queue on busy_timeout instead of failing
    # with "database is locked" (DESIGN.md §7).
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-vigil.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- background work (BROKER_URL and TASK_MODE are read at the top) -------------------
WORKER_THREADS = env_int("VIGIL_WORKER_THREADS", 4, minimum=1, maximum=64)
PIPELINE_BATCH_SIZE = env_int("VIGIL_PIPELINE_BATCH_SIZE", 200, minimum=1, maximum=10000)
# 180: the demo's crisis, from its first post to the official statement, plays in ~19 minutes.
DEMO_SPEED = env_int("VIGIL_DEMO_SPEED", 180, minimum=1, maximum=100000)

# --- auth -----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("VIGIL_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- i18n and time --------------------------------------------------------------------
LANGUAGE_CODE = env_choice("VIGIL_LANGUAGE", "en", ["en", "zh-hans"])
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_time_zone("VIGIL_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# plotly.min.js comes from the installed plotly wheel: no CDN, no Node step.
STATICFILES_DIRS = [("plotly", Path(plotly.__file__).resolve().parent / "package_data")]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOG_LEVEL = env_choice("VIGIL_LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"refusals_in_one_line": {"()": "vigil.lib.logs.RefusalsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # A 403 is normal operation: one line, not Django's traceback of PermissionDenied.
        "django.request": {"filters": ["refusals_in_one_line"]},
        "jieba": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        "waitress.queue": {"level": "ERROR"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}

# --- outgoing HTTP --------------------------------------------------------------------
ALLOW_PRIVATE_FETCH = env_bool("VIGIL_ALLOW_PRIVATE_FETCH", False)
HTTP_USER_AGENT = env_str("VIGIL_USER_AGENT", "Vigil/0.1 (+https://github.com/vigil-project/vigil)")
HTTP_PROXY = env_str("VIGIL_HTTP_PROXY", "")
HTTP_TIMEOUT = env_int("VIGIL_HTTP_TIMEOUT", 20, minimum=1, maximum=600)
HTTP_MAX_BYTES = env_int("VIGIL_HTTP_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
HTTP_RETRIES = env_int("VIGIL_HTTP_RETRIES", 2, minimum=0, maximum=10)
HTTP_CONCURRENCY = env_int("VIGIL_HTTP_CONCURRENCY", 20, minimum=1, maximum=1000)
HTTP_PER_HOST_CONCURRENCY = env_int("VIGIL_HTTP_PER_HOST_CONCURRENCY", 2, minimum=1, maximum=100)
# Seconds between two requests to one host (politeness); 0 only for local tests.
HTTP_PER_HOST_INTERVAL_MS = env_int("VIGIL_HTTP_PER_HOST_INTERVAL_MS", 1000, minimum=0)
# Seconds one alert send (a webhook, every URL of an Apprise channel) may take in all, whatever
# the receiver or the channel's own timeouts say; under the outbox's two-minute lease.
CHANNEL_TIMEOUT = env_int("VIGIL_CHANNEL_TIMEOUT", 20, minimum=1, maximum=100)

NINJA_PAGINATION_PER_PAGE = 50

# Ordered pipeline stages (DESIGN.md §1); later issues append match, analyse, warn.
PIPELINE_STAGES = [
    "vigil.pipeline.stages.normalise",
    "vigil.pipeline.stages.deduplicate",
    "vigil.pipeline.stages.store",
    "vigil.monitoring.stages.match",
    "vigil.analysis.stages.analyse",
    "vigil.alerts.stages.warn",
]
SOURCE_MAX_FAILURES = env_int("VIGIL_SOURCE_MAX_FAILURES", 5, minimum=1, maximum=1000)
