"""Threadline settings: one module, read from the environment.

DEBUG is on only when asked for (DEBUG=1, as `make run` does): then a missing SECRET_KEY
is a generated development secret kept in var/. Without DEBUG=1, SECRET_KEY (or
SECRET_KEY_FILE) must be set, or the server refuses to start: a server deployed without
one must not show stack traces and settings. The embedded default is SQLite with Celery
tasks run eagerly in the web process; DATABASE_URL and REDIS_URL switch to PostgreSQL and
Redis with real Celery workers.
"""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from mes.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("THREADLINE_VAR_DIR") or BASE_DIR / "var")


def _development_secret() -> str:
    """A random secret kept in var/ so sessions survive a restart of the development server."""
    path = VAR_DIR / "development-secret"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


_configured_secret = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", default=False)  # on only when asked for: never by a missing secret
if not _configured_secret and not DEBUG:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: set the SECRET_KEY environment variable (or SECRET_KEY_FILE) to a long "
        "random value before starting Threadline, or set DEBUG=1 for a development server."
    )
SECRET_KEY = _configured_secret or _development_secret()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is empty: list the host names this server answers to.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # FORM_RENDERER = TemplatesSetting finds Django's form templates here
    "django_htmx",
    "guardian",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "line",
    "instructions",
    "quality",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.ApiErrorBodyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.TokenAuthenticationMiddleware",
    "core.middleware.PreferredLanguageMiddleware",
    "core.middleware.RequestInputMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.IdempotencyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "mes.urls"
WSGI_APPLICATION = "mes.wsgi.application"
ASGI_APPLICATION = "mes.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SQLite by default; DATABASE_URL (postgres://...) for production, CI and benchmarks.
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 600))
    }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"].endswith("postgresql") and env_bool("DB_PREPARED_STATEMENTS", True):
        # Server-side binding lets psycopg prepare a statement after it ran twice on a connection:
        # the line's screens repeat the same dozen queries, whose planning (about 3 ms for a
        # seven-table join) cost more than running them. Measured: 8 ms → 3 ms per unit lookup.
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "threadline.sqlite3"),  # a str, as DATABASE_URL gives it
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN: under several workers the
                # default DEFERRED mode fails half the writes with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "core.permissions.RoleBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"  # a bound tablet goes back to its station's sign-in, a desk to the login page
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "core.hashers.ShopFloorArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German")), ("es", _("Spanish")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Release documents may carry media: the ZIP limit is checked before Django parses the body.
# 32 MiB: a 5,000-step document is about 3 MB; a 50 MB body is refused with 413 before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("RELEASE_MAX_BYTES", 32 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
RELEASE_MAX_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE
RELEASE_MEDIA_MAX_BYTES = env_int("RELEASE_MEDIA_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
RELEASE_MAX_UNCOMPRESSED_BYTES = env_int("RELEASE_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024, minimum=1024)
RELEASE_MAX_FILES = env_int("RELEASE_MAX_FILES", 2000, minimum=1)

# Celery: eager in-process without REDIS_URL, a real broker with it.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "threadline")
# The periodic sweep that retries webhook deliveries (run a worker with -B, or `celery beat`).
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {
        "task": "core.relay_outbox",
        "schedule": env_int("RELAY_INTERVAL_SECONDS", 15, minimum=1),
    },
    "purge-idempotency-keys": {"task": "core.purge_idempotency_keys", "schedule": 3600},
    "expire-lots": {"task": "mes.expire_lots", "schedule": 900},
}
THREADLINE_IDEMPOTENCY_KEY_DAYS = env_int("IDEMPOTENCY_KEY_DAYS", 7, minimum=1)
# A PDF still not made this many minutes after it was asked for is counted lost (its task never
# ran): the screen says so and the next request renders it again.
THREADLINE_DOCUMENT_RENDER_MINUTES = env_int("DOCUMENT_RENDER_MINUTES", 10, minimum=1)

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.MiddlewareTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Threadline API",
    "DESCRIPTION": "Released mBOM revisions in, as-built records out. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Two different "decision" enums: an engineer's ECO decision and an inspector's NCR disposition.
    "ENUM_NAME_OVERRIDES": {
        "EcoDecisionEnum": "line.models.eco.EcoDecisionKind",
        "DispositionDecisionEnum": "quality.choices.Decision",
    },
}

# Content Security Policy: everything is served from here; no inline script.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "media-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "frame-src": [CSP.SELF],
    # Nothing is framed, except step media (PDFs) which their view allows from this origin.
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=60)
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Domain settings.
THREADLINE_GS1_GROUP_SEPARATOR_REPLACEMENTS = env_list("GS1_GROUP_SEPARATOR_REPLACEMENTS", ["|", "^"])
# Addresses webhooks may not reach: the server itself and cloud metadata. Plant networks
# (10/8, 172.16/12, 192.168/16) stay reachable: on-premises ERPs live there.
THREADLINE_WEBHOOK_BLOCKED_NETWORKS = env_list(
    "WEBHOOK_BLOCKED_NETWORKS",
    ["127.0.0.0/8", "::1/128", "0.0.0.0/8", "169.254.0.0/16", "fe80::/10", "100.100.100.200/32"],
)
for _network in THREADLINE_WEBHOOK_BLOCKED_NETWORKS:
    try:
        __import__("ipaddress").ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            "WEBHOOK_BLOCKED_NETWORKS holds {!r}, which is not a network such as 127.0.0.0/8.".format(
                _network
            )
        ) from None
THREADLINE_IDLE_TIMEOUT_SECONDS = env_int("IDLE_TIMEOUT_SECONDS", 300, minimum=30)
