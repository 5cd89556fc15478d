"""Zugong settings: one module, configured by environment variables.

DATABASE_URL    postgres://user:pass@host:5432/zugong (default: SQLite in var/, WAL mode)
SECRET_KEY      required when DEBUG is off
DEBUG           "1" for development (make run sets it)
ALLOWED_HOSTS   comma-separated
REDIS_URL       when set: cache, sessions and background jobs (RQ, `manage.py rqworker`) on Redis
SESSION_IDLE_MINUTES  sessions expire after this much inactivity (default 30)

Several app servers (docs/deploy.md):
DATABASE_REPLICA_URL        a streaming replica; report and dashboard views marked
                            @reads_from_replica read from it (zugong/core/dbrouting.py)
ZUGONG_PRIMARY_PIN_SECONDS  after a write a browser reads the primary for this long (default 10)
ZUGONG_DB_ROUTE_HEADER      "1": responses say which database they read (X-Zugong-Read-DB)
ZUGONG_MEDIA_ROOT           uploaded files on storage shared by the app servers (default var/media)
ZUGONG_TASK_TIMEOUT         seconds a background job may run under RQ (default 3600)
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ZUGONG_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG")
TESTING = env_flag("ZUGONG_TESTING")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY 未设置：生产环境必须通过环境变量 SECRET_KEY 提供密钥。"
        )
    SECRET_KEY = "zugong-development-key-not-for-production"

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "simple_history",
    "rules",
    "django_tasks",
    "django_tasks.backends.database",
    "zugong.core",
    "zugong.accounts",
    "zugong.orgs",
    "zugong.members",
    "zugong.life",
    "zugong.dues",
    "zugong.development",
    "zugong.transfers",
    "zugong.cadres",
    "zugong.supervision",
    "zugong.surveys",
    "zugong.inquiries",
    "zugong.talents",
    "zugong.campaigns",
    "zugong.stats",
    "zugong.dashboard",
    "zugong.demo",
]

MIDDLEWARE = [
    # First: the public portal's requests lose the client's address and user agent before any
    # other code (or log) can see them.
    "zugong.supervision.privacy.PortalPrivacyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "zugong.urls"
WSGI_APPLICATION = "zugong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zugong" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zugong.accounts.context_processors.scope",
            ],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
_default_db = f"sqlite:///{VAR_DIR / 'zugong.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while the import task writes; IMMEDIATE avoids lock-upgrade deadlocks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Sessions live in files with SQLite: a long import holds the write lock, and every request
    # renews its session (idle timeout), which would otherwise wait on that lock.
    SESSION_ENGINE = "django.contrib.sessions.backends.file"
    SESSION_FILE_PATH = str(VAR_DIR / "sessions")
    Path(SESSION_FILE_PATH).mkdir(parents=True, exist_ok=True)
    # Covering indexes (INCLUDE) are a PostgreSQL speed-up; SQLite builds them without the extra
    # columns, which is all the warning says.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# A streaming replica for reports and dashboards (docs/deploy.md). In tests it mirrors default.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=60, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["zugong.core.dbrouting.PrimaryReplicaRouter"]
    # Right after the security middleware: it sees every response, including redirects.
    MIDDLEWARE.insert(2, "zugong.core.dbrouting.PrimaryPinMiddleware")
# Tests keep the alias (a mirror of default) but read default: a mirror is a second connection,
# which cannot see a test's uncommitted data. The router's own tests switch it on.
ZUGONG_REPLICA_READS = "replica" in DATABASES and not TESTING
ZUGONG_PRIMARY_PIN_SECONDS = int(os.environ.get("ZUGONG_PRIMARY_PIN_SECONDS", "10"))
ZUGONG_DB_ROUTE_HEADER = env_flag("ZUGONG_DB_ROUTE_HEADER")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "zugong.accounts.backends.ScopedModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing speed only; production keeps argon2 first.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after inactivity: every request renews the cookie, so the age is an idle timeout.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_flag("SECURE_COOKIES")
CSRF_COOKIE_SECURE = env_flag("SECURE_COOKIES")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "zugong" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Development and tests serve static files straight from the app folders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
# Several app servers share one media directory (NFS or similar; docs/deploy.md).
MEDIA_ROOT = Path(os.environ.get("ZUGONG_MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media/"

# Uploads: the import limit is checked by the import framework with a clear message.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024
ZUGONG_IMPORT_MAX_BYTES = int(os.environ.get("ZUGONG_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
# Imports with more rows than this run as a background task with a progress bar.
ZUGONG_IMPORT_TASK_THRESHOLD = int(os.environ.get("ZUGONG_IMPORT_TASK_THRESHOLD", "2000"))
ZUGONG_LIST_PAGE_SIZE = 50
# At most this many 任免审批表 in one batch export (a PDF of 500 cadres is 1,000 pages).
ZUGONG_CADRE_BATCH_LIMIT = int(os.environ.get("ZUGONG_CADRE_BATCH_LIMIT", "500"))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # One Redis for the cache, the sessions and the job queue of every app server and worker.
    # Sessions live in the cache only (no database write per request; SESSION_SAVE_EVERY_REQUEST
    # renews them): Redis keeps them on disk (appendonly), and losing them only means signing in
    # again. Redis runs with maxmemory-policy noeviction so queued jobs are never evicted.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "zugong",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks.backends.rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {
        "default": {
            "URL": REDIS_URL,
            "DEFAULT_TIMEOUT": int(os.environ.get("ZUGONG_TASK_TIMEOUT", "3600")),
        }
    }
elif TESTING:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "zugong": {"handlers": ["console"], "level": os.environ.get("ZUGONG_LOG_LEVEL", "INFO")},
        # Pillow's debug output prints the EXIF of uploaded photos (a 举报 file's metadata).
        "PIL": {"level": "INFO"},
    },
}

# --- 群众监督 (zugong.supervision) ------------------------------------------------------------
# Encryption keys for 举报 texts, files and sealed identities: Fernet keys, comma-separated, newest
# first (`python -m zugong.supervision.keys` prints a new one; docs/supervision.md: rotation).
# Without keys a key derived from SECRET_KEY is used, and `manage.py check --deploy` warns.
ZUGONG_SUPERVISION_KEYS = [
    key.strip() for key in os.environ.get("ZUGONG_SUPERVISION_KEYS", "").split(",") if key.strip()
]
# The receipt codes' Argon2id salt: one per system (codes are looked up by their hash).
ZUGONG_RECEIPT_SALT = (
    os.environ.get("ZUGONG_RECEIPT_SALT")
    or hashlib.sha256(("zugong-receipt:" + SECRET_KEY).encode()).hexdigest()[:32]
)
ZUGONG_RECEIPT_ARGON2 = (
    {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
    if TESTING
    else {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 1}
)
