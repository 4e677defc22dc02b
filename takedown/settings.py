"""Settings, read from the environment in this one place.

``TAKEDOWN_ENV`` selects the profile: ``development`` (the default: SQLite, a
filesystem Celery broker, console e-mail, no outside services), ``test`` or
``production``. Production has no secret defaults: it refuses to start unless
every secret is set in the environment.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from takedown.schedule import BEAT_SCHEDULE
from takedown.settings_env import default_public_base_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("TAKEDOWN_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
TAKEDOWN_ENV = env.str("TAKEDOWN_ENV", default="development")
if TAKEDOWN_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"TAKEDOWN_ENV must be development, test or production, not {TAKEDOWN_ENV!r}")
PRODUCTION = TAKEDOWN_ENV == "production"


def _secret(name: str, development_default: str) -> str:
    """A secret: required in production, a fixed development value elsewhere."""
    if PRODUCTION:
        value = env.str(name, default="")
        if not value:
            raise ImproperlyConfigured(f"{name} must be set in the environment in production")
        return value
    return env.str(name, default=development_default)


SECRET_KEY = _secret("SECRET_KEY", "development-only-secret-key-never-use-in-production-0123456789")
# DJANGO_DEBUG is the documented name; DEBUG is still honoured. Production: must be off.
DEBUG = env.bool("DJANGO_DEBUG", default=env.bool("DEBUG", default=not PRODUCTION))
if PRODUCTION:
    # The same bar as `check --deploy` (security.W009), enforced at start-up.
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
        raise ImproperlyConfigured("SECRET_KEY is too weak for production: use 50+ random characters")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production: tracebacks would show personal data")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["*"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Public base URL, used to build tracking links in e-mails and API answers. Unset, it is
# the address ``make run`` serves (HOST and PORT, see takedown.settings_env).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default=default_public_base_url()).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The product's apps, lowest layer first (docs/ARCHITECTURE.md).
    "takedown",
    "audit",
    "deadlines",
    "complaints",
    "moderation",
    "hostplatform",
    "prevention",
    "preservation",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "takedown.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "takedown.middleware.QueryStringMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# The host platform's per-post calls (screening, activity signals) are machine to
# machine: token-authenticated JSON, no session, no cookie, no page. They run through
# this shorter list (takedown.handlers), which keeps the security headers, the body
# limit, the language of refusals and the Content-Length (CommonMiddleware, which
# keep-alive clients read) but skips what only pages and forms use (session,
# CSRF, login, second factor, messages, CSP and frame headers of documents): on a
# 280-character post that machinery cost about as much as the screening itself.
MACHINE_API_PATHS = ("/api/v1/screen/", "/api/v1/signals/")
MACHINE_API_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "takedown.middleware.RequestSizeLimitMiddleware",
    "takedown.middleware.MachineLocaleMiddleware",
    "takedown.middleware.QueryStringMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "takedown.urls"
WSGI_APPLICATION = "takedown.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "takedown.context_processors.limits",
                "takedown.navigation.staff_navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'takedown.sqlite3'}"),
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and scheduler share one file: WAL lets readers run beside the single
    # writer, IMMEDIATE transactions take the write lock up front instead of failing
    # with "database is locked" on upgrade, and the timeout makes writers wait their turn.
    _db.setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    _db.setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    _db.setdefault("CONN_HEALTH_CHECKS", True)
    # A database that vanishes without a word (a partition, a dead host) must turn into
    # a prompt 503, not a request hanging for TCP's minutes: bound the connect, probe idle
    # connections, and give up on data the server never acknowledges (libpq options).
    _options = _db.setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
    _options.setdefault("keepalives", 1)
    _options.setdefault("keepalives_idle", 10)
    _options.setdefault("keepalives_interval", 5)
    _options.setdefault("keepalives_count", 3)
    _options.setdefault("tcp_user_timeout", env.int("DB_TCP_USER_TIMEOUT_MS", default=15_000))
# Several test sessions may share one PostgreSQL server: each can name its own test database.
if env.str("TEST_DB_NAME", default=""):
    _db["TEST"] = {"NAME": env.str("TEST_DB_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = _db["ENGINE"].startswith("django.db.backends.postgresql")

# --- Redis: cache, rate limits, Celery broker ------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # Shared by every process of the embedded default, unlike a per-process memory cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "takedown_cache",
        }
    }

# --- Celery ------------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # The embedded default needs no outside service: kombu's filesystem transport
    # passes messages through folders that web, worker and scheduler share.
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = "UTC"
# A request must never wait on an unreachable broker: publishing fails fast and the
# effects wait in the outbox (deadlines.outbox) and the periodic tasks catch up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Auth --------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/staff/login/"
LOGIN_REDIRECT_URL = "/staff/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence is never served by URL: staff fetch it through views that check access.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Evidence limits: shown on the form and enforced by the intake service.
EVIDENCE_MAX_FILES = env.int("EVIDENCE_MAX_FILES", default=10)
EVIDENCE_MAX_FILE_BYTES = env.int("EVIDENCE_MAX_FILE_BYTES", default=10 * 1024 * 1024)
EVIDENCE_MAX_PIXELS = env.int("EVIDENCE_MAX_PIXELS", default=40_000_000)
# A whole request may carry every file plus the form; anything larger is refused with
# 413 before it is read.
REQUEST_MAX_BYTES = EVIDENCE_MAX_FILES * EVIDENCE_MAX_FILE_BYTES + 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = EVIDENCE_MAX_FILES + 1

# --- E-mail ------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Takedown desk <no-reply@takedown.invalid>")

# --- Keys --------------------------------------------------------------------------------


def _development_key(label: str) -> str:
    """A stable development-only key derived from SECRET_KEY (never used in production)."""
    return base64.b64encode(hashlib.sha256(f"{label}:{SECRET_KEY}".encode()).digest()).decode()


# Ed25519 private key (32 raw bytes, base64) that signs audit checkpoints and exports.
AUDIT_SIGNING_KEY = _secret("AUDIT_SIGNING_KEY", _development_key("audit-signing"))
AUDIT_LOG_ORIGIN = env.str("AUDIT_LOG_ORIGIN", default="takedown.example/audit-log")
# Keys for field-level encryption of complainants' personal data (newest first).
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=[] if PRODUCTION else [_development_key("field-encryption")]
)
if PRODUCTION and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set in the environment in production")
for _position, _key in enumerate(FIELD_ENCRYPTION_KEYS):
    # Checked at start-up, not at the first complaint (see takedown.crypto for the format).
    try:
        _raw_key = base64.b64decode(_key.strip(), validate=True)
    except ValueError:
        _raw_key = b""
    if len(_raw_key) != 32:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS[{_position}] must be a base64-encoded 32-byte key")
# Key for the keyed hashes of staydown fingerprints.
FINGERPRINT_KEY = _secret("FINGERPRINT_KEY", _development_key("fingerprint"))

# --- Host-platform webhooks (Standard Webhooks) ------------------------------------------
# Where instructions to the host platform are POSTed. Empty: nowhere, and deliveries wait
# (pending, with the reason in last_error and on /healthz) until it is set, unless the
# built-in demo platform is switched on below.
HOST_PLATFORM_WEBHOOK_URL = env.str("HOST_PLATFORM_WEBHOOK_URL", default="").strip()
if HOST_PLATFORM_WEBHOOK_URL:
    from urllib.parse import urlsplit as _urlsplit

    _hook = _urlsplit(HOST_PLATFORM_WEBHOOK_URL)
    if _hook.scheme not in {"http", "https"} or not _hook.hostname:
        raise ImproperlyConfigured("HOST_PLATFORM_WEBHOOK_URL must be an http:// or https:// URL")
HOST_PLATFORM_WEBHOOK_MAX_ATTEMPTS = env.int("HOST_PLATFORM_WEBHOOK_MAX_ATTEMPTS", default=8)
HOST_PLATFORM_WEBHOOK_TIMEOUT = env.float("HOST_PLATFORM_WEBHOOK_TIMEOUT", default=15.0)
# Signing secrets, ``whsec_`` + base64 of 24 to 64 random bytes, comma-separated, newest
# first: every delivery carries one signature per secret, so a platform can switch to a new
# secret while the old one is still accepted (Standard Webhooks rotation).
if PRODUCTION and not env.str("WEBHOOK_SECRETS", default="") and env.str("WEBHOOK_SECRET", default=""):
    raise ImproperlyConfigured(
        "WEBHOOK_SECRET is replaced by WEBHOOK_SECRETS: one or more whsec_<base64> secrets, comma-separated"
    )
WEBHOOK_SECRETS = env.list(
    "WEBHOOK_SECRETS",
    default=[] if PRODUCTION else ["whsec_" + _development_key("webhook")],
)
WEBHOOK_SECRETS = [_s.strip() for _s in WEBHOOK_SECRETS if _s.strip()]
if PRODUCTION and not WEBHOOK_SECRETS:
    raise ImproperlyConfigured("WEBHOOK_SECRETS must be set in the environment in production")
for _position, _key in enumerate(WEBHOOK_SECRETS):
    try:
        _raw_key = base64.b64decode(_key.removeprefix("whsec_"), validate=True) if _key.startswith("whsec_") else b""
    except ValueError:
        _raw_key = b""
    if not 24 <= len(_raw_key) <= 64:
        raise ImproperlyConfigured(f"WEBHOOK_SECRETS[{_position}] must be whsec_ + base64 of 24 to 64 random bytes")
# The built-in demo host platform (``make run``): it receives the deliveries in-process when
# no URL is set, and answers at /demo-platform/webhook. Never in production, where a delivery
# recorded as carried out must have reached the real platform.
DEMO_PLATFORM = env.bool("DEMO_PLATFORM", default=not PRODUCTION)
if PRODUCTION and DEMO_PLATFORM:
    raise ImproperlyConfigured("DEMO_PLATFORM cannot be on in production: set HOST_PLATFORM_WEBHOOK_URL")

# --- DSA Transparency Database ----------------------------------------------------------
# Statements of reasons carry ``puid`` = ``<DSA_PUID_PREFIX>-decision-<id>``.
DSA_PUID_PREFIX = env.str("DSA_PUID_PREFIX", default="takedown")
# The database's multiple-statements endpoint (…/api/v1/statements) and the platform's API
# token. Empty URL: statements are only exported, never submitted.
DSA_TDB_URL = env.str("DSA_TDB_URL", default="").strip()
DSA_TDB_TOKEN = env.str("DSA_TDB_TOKEN", default="")
if DSA_TDB_URL and not DSA_TDB_TOKEN:
    raise ImproperlyConfigured("DSA_TDB_TOKEN must be set when DSA_TDB_URL is")
DSA_TDB_TIMEOUT = env.float("DSA_TDB_TIMEOUT", default=30.0)
DSA_TDB_MAX_RETRIES = env.int("DSA_TDB_MAX_RETRIES", default=6)

# --- REST framework ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only; the few operations that take files say so (multipart) themselves.
    "DEFAULT_PARSER_CLASSES": [
        "takedown.bodies.BoundedJSONParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "takedown.exceptions.api_exception_handler",
    # Every authenticated call counts against its token's budget (RATE_LIMITS["token"]);
    # public views add their per-client scope (takedown.ratelimit.public_throttle).
    "DEFAULT_THROTTLE_CLASSES": ["takedown.ratelimit.TokenThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # An unknown ``?format=`` is a 400 with the error shape, not DRF's bare 404.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "takedown.exceptions.ContentNegotiation",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Takedown API",
    "DESCRIPTION": "Notice-and-takedown for doxxing complaints: intake, tracking, review, audit, prevention.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the pinned drf-spectacular-sidecar package, served as our own static
    # files: /api/docs/ works with no internet and under the same CSP as every page.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # 3.1 for its top-level ``webhooks``: the events sent to the host platform, documented
    # with their payloads and Standard Webhooks headers (hostplatform/openapi.py).
    "OAS_VERSION": "3.1.0",
    "WEBHOOKS": [
        "hostplatform.openapi.measure_apply",
        "hostplatform.openapi.measure_lift",
        "hostplatform.openapi.poster_notice",
        "hostplatform.openapi.intervention_apply",
        "hostplatform.openapi.intervention_lift",
    ],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hostplatform.openapi.add_webhook_headers",
        # Every operation's error responses, with the one error shape.
        "takedown.openapi.add_error_responses",
    ],
}

# --- Rate limits: "count/seconds" per client key ---------------------------------------
RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS_ENABLED", default=True)
RATE_LIMITS = {
    "public_intake": env.str("RATE_LIMIT_PUBLIC_INTAKE", default="20/600"),
    "public_track": env.str("RATE_LIMIT_PUBLIC_TRACK", default="120/60"),
    "token": env.str("RATE_LIMIT_TOKEN", default="6000/60"),
}

# Proxies in front of the web server that append to X-Forwarded-For. 0 (the default):
# the header is ignored and the peer address is the client. N: the web server is reachable
# only through N such proxies and the client is the N-th address from the right
# (takedown.ratelimit.client_ip, used by every limit and lockout).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")

# --- Timers ------------------------------------------------------------------------------
DEADLINE_SWEEP_SECONDS = env.int("DEADLINE_SWEEP_SECONDS", default=30)
DEADLINE_SWEEP_BATCH = env.int("DEADLINE_SWEEP_BATCH", default=500)
# One sweep run keeps taking full batches for at most this long, well inside the task's
# soft time limit, then hands over to the next run.
DEADLINE_SWEEP_BUDGET_SECONDS = env.float("DEADLINE_SWEEP_BUDGET_SECONDS", default=20.0)
if DEADLINE_SWEEP_BATCH < 1 or not 0 <= DEADLINE_SWEEP_BUDGET_SECONDS < CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("DEADLINE_SWEEP_BATCH must be 1 or more and DEADLINE_SWEEP_BUDGET_SECONDS "
                               "below the task's soft time limit")

# --- Moderation ----------------------------------------------------------------------------
# Queue counts stop here (shown as "1000+") so a huge backlog never slows the page.
QUEUE_COUNT_CAP = env.int("QUEUE_COUNT_CAP", default=1000)
# Staff login: this many failures in a row for one account from one client lock that
# account at that client (never everywhere: a stranger cannot lock a colleague out) for
# this long; this many failures from one client, whatever the accounts, lock the client.
STAFF_LOGIN_MAX_FAILURES = env.int("STAFF_LOGIN_MAX_FAILURES", default=5)
STAFF_LOGIN_LOCK_SECONDS = env.int("STAFF_LOGIN_LOCK_SECONDS", default=15 * 60)
STAFF_LOGIN_MAX_FAILURES_PER_CLIENT = env.int("STAFF_LOGIN_MAX_FAILURES_PER_CLIENT", default=20)
# Misuse (DSA Art. 23): a warning is proposed from this many manifestly unfounded notices
# making at least this share of the submitter's decided notices.
MISUSE_MIN_UNFOUNDED = env.int("MISUSE_MIN_UNFOUNDED", default=3)
MISUSE_MIN_SHARE = env.float("MISUSE_MIN_SHARE", default=0.5)
if (QUEUE_COUNT_CAP < 1 or STAFF_LOGIN_MAX_FAILURES < 1 or STAFF_LOGIN_LOCK_SECONDS < 1
        or STAFF_LOGIN_MAX_FAILURES_PER_CLIENT < STAFF_LOGIN_MAX_FAILURES):
    raise ImproperlyConfigured("QUEUE_COUNT_CAP, STAFF_LOGIN_MAX_FAILURES and STAFF_LOGIN_LOCK_SECONDS must be positive, "
                               "STAFF_LOGIN_MAX_FAILURES_PER_CLIENT at least STAFF_LOGIN_MAX_FAILURES")
if MISUSE_MIN_UNFOUNDED < 1 or not 0 < MISUSE_MIN_SHARE <= 1:
    raise ImproperlyConfigured("MISUSE_MIN_UNFOUNDED must be 1 or more and MISUSE_MIN_SHARE in (0, 1]")

# --- Prevention ----------------------------------------------------------------------------
# Activity signals are counted in buckets this wide and kept this long.
SIGNAL_BUCKET_SECONDS = env.int("SIGNAL_BUCKET_SECONDS", default=10)
SIGNAL_RETENTION_SECONDS = env.int("SIGNAL_RETENTION_SECONDS", default=6 * 3600)
if SIGNAL_BUCKET_SECONDS < 1 or SIGNAL_RETENTION_SECONDS < SIGNAL_BUCKET_SECONDS:
    raise ImproperlyConfigured("SIGNAL_BUCKET_SECONDS must be 1 or more and SIGNAL_RETENTION_SECONDS at least one bucket")
# Overrides of the spike detector's parameters: a JSON object of prevention.spikes.SpikeParams
# fields (checked when the detector first runs).
SPIKE_PARAMS = env.json("SPIKE_PARAMS", default={})
if not isinstance(SPIKE_PARAMS, dict):
    raise ImproperlyConfigured("SPIKE_PARAMS must be a JSON object")
# How long a victim's protection (an intervention) lasts unless lifted earlier.
PROTECTION_DAYS = env.int("PROTECTION_DAYS", default=30)
if PROTECTION_DAYS < 1:
    raise ImproperlyConfigured("PROTECTION_DAYS must be 1 or more")

# --- Records, exports, evidence packs ---------------------------------------------------
# Personal data of closed cases is erased after this many days; never less than six
# months (Cybersecurity Law Art. 21): a shorter value is refused at start-up.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=183)
if AUDIT_RETENTION_DAYS < 183:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 183 (six months)")
# Export packages are kept here, beside the media folder and never inside it (exports are
# not web-served); their download links last this many hours.
# Empty: <MEDIA_ROOT>/../exports.
AUDIT_EXPORT_ROOT = env.str("AUDIT_EXPORT_ROOT", default="")
if AUDIT_EXPORT_ROOT and Path(AUDIT_EXPORT_ROOT).resolve().is_relative_to(MEDIA_ROOT.resolve()):
    raise ImproperlyConfigured("AUDIT_EXPORT_ROOT must not be inside MEDIA_ROOT")
AUDIT_EXPORT_LINK_HOURS = env.int("AUDIT_EXPORT_LINK_HOURS", default=24)
if AUDIT_EXPORT_LINK_HOURS < 1:
    raise ImproperlyConfigured("AUDIT_EXPORT_LINK_HOURS must be 1 or more")
# The BagIt Source-Organization of export packages.
AUDIT_SOURCE_ORGANIZATION = env.str("AUDIT_SOURCE_ORGANIZATION", default=AUDIT_LOG_ORIGIN)
# A TrueType/OpenType font with Chinese glyphs for evidence packs; empty: the packaged
# Noto Sans SC, if installed. A path that is set must exist.
EVIDENCE_PACK_FONT = env.str("EVIDENCE_PACK_FONT", default="")
if EVIDENCE_PACK_FONT and not Path(EVIDENCE_PACK_FONT).is_file():
    raise ImproperlyConfigured("EVIDENCE_PACK_FONT names no file")

# --- Logging -----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Complainants' contacts, ID numbers and tracking tokens never reach a log line; the
    # filter also redacts records handled by gunicorn's and Celery's own handlers.
    "filters": {"redact": {"()": "takedown.logging_filters.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Production hardening ----------------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_AGE = int(timedelta(hours=12).total_seconds())

# --- Content-Security-Policy (django-csp) --------------------------------------------------
# Scripts and styles come only from our own static files: no inline code, no other
# origin, so an injected <script> or style attribute in a complaint never runs on a
# moderator's screen. The API docs too: Swagger UI is served from our static files and
# its start-up script from a URL of its own (drf-spectacular's split view).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
