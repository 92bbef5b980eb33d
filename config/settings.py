"""The one settings module. Everything that differs between machines comes from the environment.

Variables (all optional for a local demo):
  XINJU_SECRET_KEY     the signing key; set it in production (every host the same). Without
                       it a random key is made once and kept in var/secret_key.
  XINJU_DEBUG          "1" for development only (make demo sets it); off by default
  XINJU_ALLOWED_HOSTS  comma-separated host names
  DATABASE_URL         postgres://user@host:5432/name; SQLite under var/ when unset
  XINJU_TASKS_BACKEND  "immediate" (default: tasks run in the request) or "db" (a worker runs them)
  REDIS_URL            redis://host:6379/0 for the shared cache; local memory when unset
  XINJU_MEDIA_ROOT     where uploads are kept (default var/media)
"""

import os
import secrets
import warnings
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("XINJU_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _local_secret_key() -> str:
    """A random key made on first use and kept beside the SQLite database, so a machine
    without XINJU_SECRET_KEY never runs on a published key (nor falls back to debug mode)."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = os.environ.get("XINJU_SECRET_KEY", "").strip() or _local_secret_key()
# Debug pages show local variables (personal data among them): only when asked for.
DEBUG = env_flag("XINJU_DEBUG", default=False)

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("XINJU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("XINJU_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "xinju.core",
    "xinju.accounts",
    "xinju.areas",
    "xinju.people",
    "xinju.orgs",
    "xinju.renewal",
    "xinju.consultation",
    "xinju.expropriation",
    "xinju.cockpit",
    "xinju.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xinju.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "xinju.core.middleware.NotFoundMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
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
                "django.template.context_processors.i18n",
                "xinju.core.context_processors.navigation",
            ],
            "builtins": [
                "django.templatetags.i18n",
                "django.templatetags.static",
                "xinju.core.templatetags.xinju",
                "template_partials.templatetags.partials",
            ],
        },
    }
]

# --- Database --------------------------------------------------------------------------------
# SQLite for a laptop, PostgreSQL (DATABASE_URL) for production and CI. WAL lets the import
# progress bar be read while a background import writes.
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("XINJU_SQLITE_PATH", str(VAR_DIR / "xinju.sqlite3")),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Background tasks ------------------------------------------------------------------------
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "db": "django_tasks_db.DatabaseBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[os.environ.get("XINJU_TASKS_BACKEND", "immediate")],
        "QUEUES": ["default"],
    }
}

# --- Accounts --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cockpit:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_flag("XINJU_SECURE_COOKIES", default=not DEBUG)

# --- Language and time -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("XINJU_MEDIA_ROOT", VAR_DIR / "media"))
# Hashed, compressed file names once `collectstatic` has run (production); until then the
# files are served from their sources (development, tests, the demo).
_COLLECTED = (STATIC_ROOT / "staticfiles.json").exists()
if DEBUG or not _COLLECTED:
    WHITENOISE_USE_FINDERS = True
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _COLLECTED and not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# A register of a whole district is a few megabytes; the import page states this limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
XINJU_IMPORT_MAX_BYTES = int(os.environ.get("XINJU_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
# Files larger than this (about 3,000 rows) are imported by a background task with a progress
# bar; smaller ones are checked and written while the user waits.
XINJU_IMPORT_BACKGROUND_BYTES = int(os.environ.get("XINJU_IMPORT_BACKGROUND_BYTES", 200 * 1024))

# Exports of more dwellings than this are written by a background task (a whole district
# takes some twenty seconds); smaller ones download at once.
XINJU_EXPORT_INLINE_DWELLINGS = int(os.environ.get("XINJU_EXPORT_INLINE_DWELLINGS", 5000))

# Imports and exports still unfinished this long after they began are failed (their worker
# died), so the same file or export can be asked for again.
XINJU_JOB_STALE_MINUTES = int(os.environ.get("XINJU_JOB_STALE_MINUTES", 30))

# --- Logging ---------------------------------------------------------------------------------
# Every handler passes through the PII filter: ID numbers and mobile numbers never reach a log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_pii": {"()": "xinju.core.logging.RedactPiiFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_pii"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("XINJU_LOG_LEVEL", "INFO")},
    # Django's own "django" logger would otherwise keep its default handlers (a console in
    # debug mode, mail to ADMINS otherwise), which do not pass through the filter.
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- Security headers (production) -----------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("XINJU_HSTS_SECONDS", 0))

# --- xinju -----------------------------------------------------------------------------------
# Photos from phones: refused above this size before resizing; kept at most this many pixels
# on the longer side.
XINJU_PHOTO_MAX_BYTES = int(os.environ.get("XINJU_PHOTO_MAX_BYTES", 10 * 1024 * 1024))
XINJU_PHOTO_MAX_SIDE = int(os.environ.get("XINJU_PHOTO_MAX_SIDE", 1600))
XINJU_DISTRICT_CODE = os.environ.get("XINJU_DISTRICT_CODE", "360104")
XINJU_PAGE_SIZE = 50
XINJU_VERBOSE_NAME = _("xinju")
