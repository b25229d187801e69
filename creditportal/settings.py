"""Settings for the credit portal.

Every setting that differs between deployments comes from an environment
variable (listed in the README). The helpers below fail loudly on a bad value
instead of silently falling back to a default.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "true")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

# Public address of the portal, used in e-mails, feeds and credit reports.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "disclosure",
    "accounts",
    "repair",
    "reports",
    "dataservices",
    "audit",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "creditportal.middleware.RejectNulCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "creditportal.middleware.ChosenLanguageMiddleware",
    # Before anything reads the body (CSRF reads POST); after the language,
    # for its 413 page.
    "creditportal.uploads.UploadLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.sessions.SessionTimeoutMiddleware",
    "accounts.two_factor.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "creditportal.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "creditportal.wsgi.application"

# SQLite under var/ is the embedded default so that the portal runs with no
# database server; production sets DATABASE_URL=postgres://...
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
_database_url = os.environ.get("DATABASE_URL", "")
if not _database_url:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _database_url = f"sqlite:///{VAR_DIR / 'creditportal.sqlite3'}"
if not _database_url.startswith(("postgres://", "postgresql://", "sqlite:///")):
    raise ImproperlyConfigured("DATABASE_URL must start with postgres://, postgresql:// or sqlite:///")
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=envint("DB_CONN_MAX_AGE", "60"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an import writes; the timeout makes a
    # second writer wait instead of failing at once with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches. "default" holds what one process may keep for itself (rendered
# reports); "shared" holds what every server process must see alike: the
# anonymous API throttle's counters and the per-address limits on mails.
# CACHE_URL=redis://host:6379/0 serves both from Redis (several nodes).
# Without it, "shared" is a file-based cache under VAR_DIR: bin/run starts
# two gunicorn workers on one machine, and counters in each worker's memory
# would let every client through twice as often (a database cache would
# instead make each API request write to SQLite, which an import locks).
_cache_url = os.environ.get("CACHE_URL", "")
if _cache_url and not _cache_url.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("CACHE_URL must start with redis:// or rediss://")
if _cache_url:
    _redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
    CACHES = {"default": _redis, "shared": {**_redis, "KEY_PREFIX": "shared"}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # One small file per client address and limit; culled past this.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
    }


# Public subject pages and API subject details are kept in the cache above
# for at most this long (and never past the next Beijing midnight); their key
# changes with every change to what they show (disclosure/pagecache.py).
# 0 turns the page cache off.
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", "86400")


AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's, with the Chinese message its catalogue lacks.
    {"NAME": "accounts.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates of the disclosure rules are Beijing dates (DESIGN.md), whatever the
# server's clock zone.
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files that belong at the site root (/favicon.ico), served by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "public"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded evidence is private: it lives outside any web root and is only
# served through views that check who is asking.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))
# Files one form may carry; with UPLOAD_MAX_BYTES and the 2.5 MB of other
# fields, this bounds a request's size (creditportal/uploads.py refuses more
# by Content-Length and stops reading a file past UPLOAD_MAX_BYTES).
UPLOAD_MAX_FILES = envint("UPLOAD_MAX_FILES", "5")
DATA_UPLOAD_MAX_NUMBER_FILES = UPLOAD_MAX_FILES
FILE_UPLOAD_HANDLERS = [
    "creditportal.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Requests to act for a subject one account may file in 24 hours.
BINDING_REQUESTS_PER_DAY = envint("BINDING_REQUESTS_PER_DAY", "5")

# Key and certificate that sign every issued PDF (PAdES), as PEM files; the
# certificate file may carry its chain after it. `bin/run` creates a
# self-signed demo pair here when none exists (manage.py
# create_demo_signing_pair); production uses one issued by a CA.
REPORT_SIGNING_KEY = Path(os.environ.get("REPORT_SIGNING_KEY", VAR_DIR / "signing" / "report-signing.key"))
REPORT_SIGNING_CERT = Path(os.environ.get("REPORT_SIGNING_CERT", VAR_DIR / "signing" / "report-signing.crt"))
REPORT_SIGNING_KEY_PASSPHRASE = os.environ.get("REPORT_SIGNING_KEY_PASSPHRASE", "")
# Largest PDF accepted by /reports/verify/ for a check of the file itself.
REPORT_VERIFY_MAX_BYTES = envint("REPORT_VERIFY_MAX_BYTES", str(5 * 1024 * 1024))

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@creditportal.example")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")

LOGIN_URL = "login"
# Account messages (confirmation, resend, password reset) one address may
# receive in an hour, whoever asks: the forms must not flood an inbox.
MAILS_PER_ADDRESS_PER_HOUR = envint("MAILS_PER_ADDRESS_PER_HOUR", "5")

# Login brute force (django-axes): after LOGIN_FAILURE_LIMIT failures an
# account (from any address) and an address (for any account) are locked for
# LOGIN_COOLOFF_MINUTES, on every login form including /admin/login/. Staff
# unlock earlier in /admin/axes/accessattempt/ (delete the attempts) or with
# `manage.py axes_reset_username`. Successful logins and failures are in the
# audit trail, so axes keeps no access log of its own.
# Two-factor authentication of staff (accounts/two_factor.py, django-otp).
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Credit Portal")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "5")
LOGIN_COOLOFF_MINUTES = envint("LOGIN_COOLOFF_MINUTES", "30")
AXES_COOLOFF_TIME = dt.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.lockout.username"
AXES_CLIENT_IP_CALLABLE = "audit.context.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False  # registered in accounts.admin, audited

# Security. SECURE_SSL_REDIRECT is on by default in production; turn it off
# for a plain-HTTP deployment behind a TLS-terminating proxy or on loopback.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false" if DEBUG else "true")
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "false" if DEBUG else "true")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false" if DEBUG else "true")
if envbool("USE_X_FORWARDED_PROTO", "false"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions (accounts/sessions.py): hours, not Django's two weeks; ended after
# idle minutes (staff sooner), and a staff session after a working day.
SESSION_COOKIE_AGE = envint("SESSION_MAX_HOURS", "12") * 3600
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", "30")
STAFF_SESSION_IDLE_MINUTES = envint("STAFF_SESSION_IDLE_MINUTES", "15")
STAFF_SESSION_MAX_HOURS = envint("STAFF_SESSION_MAX_HOURS", "8")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Public API (disclosure/api.py, DESIGN.md "API"). Anonymous use is free and
# throttled per client address; API keys (dataservices) have daily quotas.
# Throttle counters live in the default cache: use a shared cache (e.g.
# Redis/memcached) when running several server processes.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["dataservices.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [
        "dataservices.throttling.ApiKeyQuotaThrottle",
        "dataservices.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/min")},
    # Reverse proxies in front of the app: the client is the address this many
    # hops back in X-Forwarded-For. 0 trusts only REMOTE_ADDR, so that a client
    # cannot dodge the limit with a forged header.
    "NUM_PROXIES": envint("API_NUM_PROXIES", "0"),
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "disclosure.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Credit Portal public API",
    "DESCRIPTION": (BASE_DIR / "dataservices" / "API.md").read_text(encoding="utf-8"),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    # Deep links put an <a> inside each operation's toggle button: nested
    # interactive controls that screen readers cannot reach (axe: serious).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Webhooks (dataservices/webhooks.py): active webhooks per API key, and the
# threads one delivery run calls endpoints with (a slow endpoint holds one).
WEBHOOKS_PER_KEY = envint("WEBHOOKS_PER_KEY", "5")
WEBHOOK_DELIVERY_WORKERS = envint("WEBHOOK_DELIVERY_WORKERS", "8")

# Open-data files written by `manage.py export_open_data`, served by a view.
OPEN_DATA_DIR = Path(os.environ.get("OPEN_DATA_DIR", VAR_DIR / "open-data"))
