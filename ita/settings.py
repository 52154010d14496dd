"""Settings, driven by environment variables (see docs/settings.md).

Development works with no variables at all: SQLite under the project, DEBUG on.
With DEBUG off, SECRET_KEY and ALLOWED_HOSTS must be given.
"""

import os
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import unquote, urlparse, urlsplit

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# ``ModelAdmin[Model]``, ``QuerySet[Model]``, ``forms.ModelForm[Model]`` as base classes: the
# generic types django-stubs declares, subscriptable when the code runs.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """postgres://user:pass@host:port/name or sqlite:///path/to/file."""
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL names no database")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    if parsed.scheme == "sqlite":
        # sqlite:///relative.db, sqlite:////absolute/path.db (as dj-database-url reads them)
        path = unquote(parsed.path)[1:]
        if not path:
            raise ImproperlyConfigured("DATABASE_URL names no SQLite file")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with postgres:// or sqlite://, not {parsed.scheme!r}"
    )


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
# The keys SECRET_KEY replaced, newest first, separated by commas: sessions, reset links and the
# organisations' stored signing keys made under an old key still open (docs/operations.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    # Lowest layer first (docs/architecture.md): each app imports only those above it here.
    "ita.mail",
    "ita.history",
    "ita.organisations",
    "ita.results",
    "ita.imports",
    "measures",
    "memos",
    "ita.demo",
    "ita.ops",
]

MIDDLEWARE = [
    "ita.lib.requestlog.RequestLogMiddleware",
    "ita.lib.middleware.AbandonedRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ita.lib.middleware.PrivateCompressionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ita.lib.middleware.ThaiFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "ita.lib.urls.RequestOriginMiddleware",
    "ita.lib.middleware.StorageFullMiddleware",  # before the CSRF check reads an upload
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ita.urls"
WSGI_APPLICATION = "ita.wsgi.application"

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
                "ita.organisations.context_processors.membership",
                "memos.context_processors.navigation",
                # After Django's own csrf: a kept page's marker in place of the token.
                "ita.lib.kept.csrf_marker",
            ],
            "builtins": [
                "ita.lib.templatetags.thai",
                "ita.lib.templatetags.personal",
                "ita.organisations.templatetags.people",
            ],
            "libraries": {
                "pdf_tags": "ita.documents.templatetags.pdf_tags",
                "site": "ita.lib.templatetags.site",
            },
        },
    }
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
# A streaming replica of the primary for the read-only API (docs/deploy.md); off by default.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **database_from_url(os.environ["DATABASE_REPLICA_URL"]),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["ita.lib.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# After login each user lands on what waits for them (memos.views.cycle.landing).
LOGIN_REDIRECT_URL = "memos:start"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files WhiteNoise serves at the site's root, as browsers ask for them: /favicon.ico.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# The memo paper's Laksaman (a TrueType file) is served as a font, as the WOFF2 faces are.
WHITENOISE_MIMETYPES = {".ttf": "font/ttf"}
# Uploaded files: MEDIA_ROOT (a folder every app server mounts: NFS or the like), or an
# S3-compatible bucket through django-storages when MEDIA_S3_BUCKET is set (pip install
# "django-storages[s3]"); either way the files are private, served through the apps' views.
# Django's file system storage, writing each file whole or not at all (ita/lib/storage.py).
MEDIA_STORAGE: dict = {"BACKEND": "ita.lib.storage.AtomicFileSystemStorage"}
if os.environ.get("MEDIA_S3_BUCKET"):
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["MEDIA_S3_BUCKET"],
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MEDIA_S3_REGION") or None,
            "access_key": os.environ.get("MEDIA_S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("MEDIA_S3_SECRET_ACCESS_KEY", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
# Uploads (score tables, evidence files) are bounded; the importer checks its own limit too.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ita@localhost")
# The address e-mailed links, published addresses and printed verification addresses start with
# (``ita.lib.urls.site_url``). Required when DEBUG is off: a signed PDF prints it and can never be
# corrected, so no address is guessed. In development without it: the address of the request
# being served, else `make run`'s HOST and PORT (which it gives the server, the worker and the
# demo's loader alike). `check --deploy` refuses one on this machine (ita.ops.checks).
SITE_URL_SET = bool(os.environ.get("SITE_URL"))
if not DEBUG and not SITE_URL_SET:
    raise ImproperlyConfigured(
        "SITE_URL is required when DEBUG is off: the address people reach the site at, "
        "e.g. https://ita.example.go.th (it is printed on every signed document)"
    )
SITE_URL = (
    os.environ.get("SITE_URL")
    or f"http://{os.environ.get('ITA_HOST', '127.0.0.1')}:{env_int('ITA_PORT', 8000)}"
).rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname:
    raise ImproperlyConfigured(
        f"SITE_URL “{os.environ.get('SITE_URL', SITE_URL)}” is not an address: "
        "give the scheme and the host, e.g. https://ita.example.go.th"
    )

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# Background work (e-mail, reminders, archives): django-tasks on the database, run by
# `manage.py worker` (docs/operations.md, "Background tasks"). A failed task is retried with exponential
# back-off: base × 2^(attempt − 1) seconds, at most the maximum, up to the number of attempts.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TASK_RETRY_ATTEMPTS = env_int("TASK_RETRY_ATTEMPTS", 10)
TASK_RETRY_BASE_SECONDS = env_int("TASK_RETRY_BASE_SECONDS", 30)
TASK_RETRY_MAX_SECONDS = env_int("TASK_RETRY_MAX_SECONDS", 3600)
# A run whose worker died (its lease let go) is retried once it started this long ago: a run
# takes its lease a moment after a worker claims it.
TASK_LEASE_GRACE_SECONDS = env_int("TASK_LEASE_GRACE_SECONDS", 10)
# /health/ reports the worker down when a due task has waited longer than this.
HEALTH_TASK_MAX_WAIT_SECONDS = env_int("HEALTH_TASK_MAX_WAIT_SECONDS", 300)
# How long each process keeps /health/'s answer (0: probe on every request).
HEALTH_CACHE_SECONDS = env_int("HEALTH_CACHE_SECONDS", 5)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# The wait for the mail server's answer to a whole message (RFC 5321, 4.5.3.2.6: ten minutes):
# a message sent again while the server still takes it arrives twice (ita.mail.delivery).
EMAIL_DATA_TIMEOUT = env_int("EMAIL_DATA_TIMEOUT", 600)
# A message whose delivery is uncertain (written whole, no answer) is sent again this many times
# at most, under the same Message-ID.
EMAIL_UNCERTAIN_RESENDS = env_int("EMAIL_UNCERTAIN_RESENDS", 1)
SECURE_REDIRECT_EXEMPT = [r"^health/(live/)?$"]  # probes may call it over plain HTTP from the host

# Errors go to ADMINS by e-mail ("Name <address>" or an address, comma-separated), and to a
# Sentry-compatible service when SENTRY_DSN is set (pip install sentry-sdk).
ADMINS = [
    (name.strip() or address, address)
    for item in env_list("ADMINS", [])
    for name, address in [parseaddr(item)]
    if address
]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    try:
        import sentry_sdk
    except ImportError:
        raise ImproperlyConfigured("SENTRY_DSN is set but sentry-sdk is not installed") from None
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
    )

# One line per request (ita.request) and per recorded change (ita.history), as key=value
# (LOG_FORMAT=json for JSON lines); errors mailed to ADMINS (Django's own logger does so for
# the requests' errors).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": "ita.lib.requestlog.StructuredFormatter",
            "json": os.environ.get("LOG_FORMAT", "keyvalue") == "json",
        }
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "structured"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "ita": {"handlers": ["mail_admins"], "level": os.environ.get("LOG_LEVEL", "INFO")},
        # The request lines are ita.request's; Django's own would repeat each one.
        "django.server": {"level": "WARNING"},
    },
}


def cache_from_url(url: str) -> dict:
    """The cache every app server shares: the database's table by default (``migrate`` makes
    it), or redis://host:6379/0, memcached://host:11211 when one is run beside them; dummy://
    caches nothing (every page and PDF made again: to measure the worst case, or to debug)."""
    parsed = urlparse(url)
    if parsed.scheme in {"", "db"}:
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ita_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
        }
    if parsed.scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if parsed.scheme == "memcached":
        return {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": parsed.netloc,
        }
    if parsed.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if parsed.scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        "CACHE_URL must start with db://, redis://, memcached://, locmem:// or dummy://, "
        f"not {url!r}"
    )


# Public pages are cached under the published data's version (ita.history.published); entries
# of older versions are never read again and leave after CACHE_TIMEOUT seconds.
CACHES = {
    "default": {
        **cache_from_url(os.environ.get("CACHE_URL", "")),
        "TIMEOUT": env_int("CACHE_TIMEOUT", 24 * 3600),
    }
}
# Part of every cached page's key: a new release never serves pages rendered by the old one
# (``migrate`` gives the data a new version too).
RELEASE = os.environ.get("RELEASE", "")
# Sessions live in the database (Django's default), so any app server reads any session.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# PDF renders at once on one machine (a download's, the worker's); a download that finds none
# free waits in the queue for the worker (memos.downloads), its page asking again every
# PDF_RENDER_RETRY_SECONDS at most; a person has at most PDF_QUEUE_PER_PERSON renders queued.
# Slots are lock files in RENDER_LOCK_DIR, shared by every process on the machine.
PDF_RENDER_SLOTS = env_int("PDF_RENDER_SLOTS", max(1, (os.cpu_count() or 2) // 2))
PDF_RENDER_RETRY_SECONDS = env_int("PDF_RENDER_RETRY_SECONDS", 3)
PDF_QUEUE_PER_PERSON = env_int("PDF_QUEUE_PER_PERSON", 2)
RENDER_LOCK_DIR = Path(os.environ.get("RENDER_LOCK_DIR", "/tmp/ita-render-slots"))
# A member's navigation counts (memos awaiting them, their own returned) are kept in the cache
# for at most NAV_COUNTS_SECONDS, read again at once after any change to a memo, a position or an
# acting appointment (memos.signals); 0 counts on every page.
NAV_COUNTS_SECONDS = env_int("NAV_COUNTS_SECONDS", 3600)
# The decided memo's signature is timestamped by this RFC 3161 timestamp authority (PAdES-B-T);
# TIMESTAMP_ROOTS, a PEM file of the certificates its own chains to, lets the validation data be
# embedded too (B-LT); TIMESTAMP_FETCH_REVOCATION lets pyHanko fetch the chains' revocation data.
# Without TIMESTAMP_URL the signature is PAdES-B-B, and the memo page says so.
TIMESTAMP_URL = os.environ.get("TIMESTAMP_URL", "")
TIMESTAMP_ROOTS = os.environ.get("TIMESTAMP_ROOTS", "")
TIMESTAMP_FETCH_REVOCATION = env_bool("TIMESTAMP_FETCH_REVOCATION", False)
# /verify/ reads uploaded PDFs in a child process each (ita.documents.inspection): VERIFY_SLOTS at
# once on a machine (lock files in RENDER_LOCK_DIR/verify); another waits VERIFY_WAIT_MS, then is
# told to try again. Files per client address: VERIFY_FILES_PER_MINUTE, counted per clock minute.
VERIFY_SLOTS = env_int("VERIFY_SLOTS", 1)
VERIFY_WAIT = float(env_int("VERIFY_WAIT_MS", 2000)) / 1000
VERIFY_FILES_PER_MINUTE = env_int("VERIFY_FILES_PER_MINUTE", 20)
# Accounts and the security headers (docs/security.md). Lockout after repeated failed logins that
# a stranger cannot turn against the owner (ita.accounts.lockout); a TOTP second factor
# (django-otp) that an organisation can require of its signers; sessions end after an idle time
# and after an absolute time, both as OWASP ASVS level 2 advises (at most 30 minutes idle, 12
# hours in all).
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "ita.accounts"]
# The organisations' own administration and the operators' onboarding, above every app it uses.
INSTALLED_APPS += ["ita.administration"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "ita.lib.middleware.SecurityHeadersMiddleware",
)
MIDDLEWARE += [
    "django_otp.middleware.OTPMiddleware",
    "ita.accounts.sessions.SessionLimitsMiddleware",
    "ita.accounts.lockout.LockoutMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "ita.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins: per account and address together, then a slower limit per account across
# addresses and one per address across accounts; a browser that logged in to the account before
# (its device cookie, kept LOGIN_DEVICE_DAYS) passes them all.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
LOGIN_ACCOUNT_WINDOW_MINUTES = env_int("LOGIN_ACCOUNT_WINDOW_MINUTES", 60)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
LOGIN_DEVICE_DAYS = env_int("LOGIN_DEVICE_DAYS", 365)
# Wrong codes of the second factor hold back the session and the address that sent them (never
# the device itself: django-otp's own throttle is off), for SECOND_FACTOR_HOLD_MINUTES.
SECOND_FACTOR_SESSION_LIMIT = env_int("SECOND_FACTOR_SESSION_LIMIT", 5)
SECOND_FACTOR_ADDRESS_LIMIT = env_int("SECOND_FACTOR_ADDRESS_LIMIT", 10)
SECOND_FACTOR_HOLD_MINUTES = env_int("SECOND_FACTOR_HOLD_MINUTES", 15)
OTP_TOTP_THROTTLE_FACTOR = 0
# Password resets and unlock links asked, per address typed (the account) and per client
# address, in an hour.
ACCOUNT_MAIL_ACCOUNT_LIMIT = env_int("ACCOUNT_MAIL_ACCOUNT_LIMIT", 3)
ACCOUNT_MAIL_ADDRESS_LIMIT = env_int("ACCOUNT_MAIL_ADDRESS_LIMIT", 10)
PROXY_COUNT = env_int("PROXY_COUNT", 0)  # proxies in front that add X-Forwarded-For (nginx: 1)
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_MINUTES", 60) * 60
# An invitation's link (ita.accounts.invitations) works once, for this many days.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "ITA")
# Scripts, styles, fonts and pictures from this site only; nothing inline, no frames.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
