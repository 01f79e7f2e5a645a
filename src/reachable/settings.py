"""The one settings module. Every value that differs between deployments comes from the environment.

REACHABLE_MODE selects sensible defaults: ``production`` (the default: secure, nothing implicit),
``demo`` (local SQLite, synthetic data, the same error pages as production) or ``test``.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from reachable.lib.env import envbool, envchoice, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(envstr("REACHABLE_VAR_DIR", str(PROJECT_DIR / "var")))

MODE = envchoice("REACHABLE_MODE", "production", ("production", "demo", "test"))
PRODUCTION = MODE == "production"

# The demo looks like production (the project's own 404 and 500 pages, never Django's debug
# page): a refusal must read the same to someone trying it out as to a practitioner.
DEBUG = envbool("REACHABLE_DEBUG", False)
if PRODUCTION:
    SECRET_KEY = envstr("REACHABLE_SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("REACHABLE_SECRET_KEY must be at least 50 random characters.")
else:
    SECRET_KEY = envstr(
        "REACHABLE_SECRET_KEY", f"insecure-{MODE}-key-never-use-in-production-" + "x" * 20
    )

ALLOWED_HOSTS = envlist(
    "REACHABLE_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = envlist("REACHABLE_CSRF_TRUSTED_ORIGINS", [])

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'reachable.sqlite3'}"),
        conn_max_age=envint("REACHABLE_DB_CONN_MAX_AGE", 60 if PRODUCTION else 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while synth or an import writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "reachable.core",
    "reachable.accounts",
    "reachable.audit",
    "reachable.children",
    "reachable.sharing",
    "reachable.synth",
    "reachable.custody",
    "reachable.casework",
    "reachable.returns",
    "reachable.lines",
    "reachable.programmes",
    "reachable.learning",
    "reachable.notifications",
    "reachable.events",
    "reachable.work",
]

# Email: every message goes through the outbox (``reachable.notifications``), sent by
# `reachable outbox_send` (run it every minute from cron or a timer). Production sends by SMTP;
# the demo prints each message on the terminal; the tests use Django's memory outbox, or a real
# SMTP server on loopback where they test the sending.
EMAIL_BACKEND = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}[
    envchoice(
        "REACHABLE_EMAIL_BACKEND",
        {"production": "smtp", "demo": "console", "test": "memory"}[MODE],
        ("smtp", "console", "memory"),
    )
]
EMAIL_HOST = envstr("REACHABLE_SMTP_HOST", "localhost")
EMAIL_PORT = envint("REACHABLE_SMTP_PORT", 25, minimum=1)
EMAIL_HOST_USER = envstr("REACHABLE_SMTP_USER", "")
EMAIL_HOST_PASSWORD = envstr("REACHABLE_SMTP_PASSWORD", "")
EMAIL_USE_TLS = envbool("REACHABLE_SMTP_STARTTLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = envstr("REACHABLE_EMAIL_FROM", "Reachable <no-reply@reachable.invalid>")
# The address emails link back to (no trailing slash).
REACHABLE_SITE_URL = envstr("REACHABLE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Sent emails hold addresses (event registrants are members of the public): kept this long.
REACHABLE_OUTBOX_KEEP_DAYS = envint("REACHABLE_OUTBOX_KEEP_DAYS", 30, minimum=1)
# Events: reminders this long before a session starts ("7d", "1d", "2h"), and how long a place
# offered from a waiting list is held before it is offered to the next person.
REACHABLE_EVENT_REMINDERS = envlist("REACHABLE_EVENT_REMINDERS", ["7d", "1h"])
REACHABLE_EVENT_OFFER_HOURS = envint("REACHABLE_EVENT_OFFER_HOURS", 48, minimum=1)
# Public registration is protected without third-party services: per IP and per email address.
# How many proxies (a load balancer, nginx) stand in front of the service: the visitor's address
# is then read from X-Forwarded-For, as the nearest of them wrote it. 0: the connection's address.
REACHABLE_TRUSTED_PROXIES = envint("REACHABLE_TRUSTED_PROXIES", 0, minimum=0)
REACHABLE_EVENT_REGISTRATIONS_PER_IP_HOUR = envint("REACHABLE_EVENT_REGISTRATIONS_PER_IP_HOUR", 30)
REACHABLE_EVENT_REGISTRATIONS_PER_EMAIL_DAY = envint(
    "REACHABLE_EVENT_REGISTRATIONS_PER_EMAIL_DAY", 10
)

# Apps that read their own sections of the partnership file, in order, inside the same transaction.
REACHABLE_PARTNERSHIP_SECTIONS = [
    "reachable.custody.services.share_routes_load",
    "reachable.casework.services.referral_routes_load",
    "reachable.sharing.services.agreements_load",
    "reachable.sharing.services.retention_rules_load",
    "reachable.returns.services.return_periods_load",
]

# Background jobs (imports). Production stores them in the database for `reachable db_worker` to run;
# the demo and the tests run each job at once, inside the request that queued it.
BACKGROUND_JOBS = envchoice(
    "REACHABLE_BACKGROUND_JOBS",
    "database" if MODE == "production" else "immediate",
    ("database", "immediate"),
)
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if BACKGROUND_JOBS == "database"
        else "django_tasks.backends.immediate.ImmediateBackend",
    }
}

# A detention gives the custody team the child's record only for an arrest this recent, and the
# record stays open to them this many days after release (longer while community support is open).
REACHABLE_CUSTODY_GRANT_HOURS = envint("REACHABLE_CUSTODY_GRANT_HOURS", 72, minimum=1)
REACHABLE_CUSTODY_ACCESS_AFTER_RELEASE_DAYS = envint(
    "REACHABLE_CUSTODY_ACCESS_AFTER_RELEASE_DAYS", 30, minimum=0
)

# After a case closes, its team keeps sight of the child's record this long, so it can reopen it.
REACHABLE_CASE_ACCESS_AFTER_CLOSURE_DAYS = envint(
    "REACHABLE_CASE_ACCESS_AFTER_CLOSURE_DAYS", 90, minimum=0
)

# Minimum dataset returns: accepted returns are kept here, pseudonymised (Parquet), and uploads
# wait here until checked. The linkage key pseudonymises identifiers at upload: keep it secret,
# the same across the partnership's cycles, and never change it (IDs would no longer match).
# Every upload (custody exports, returns, later imports) is streamed to disk under this limit.
REACHABLE_UPLOAD_MAX_MB = envint("REACHABLE_UPLOAD_MAX_MB", 50, minimum=1)
# Import problem reports quote the rows' values (names, dates of birth); they are removed after this.
REACHABLE_IMPORT_REPORT_DAYS = envint("REACHABLE_IMPORT_REPORT_DAYS", 30, minimum=1)
# A background job that has shown no progress for this long was stopped (its worker killed or
# restarted): its page says so and offers to run it again.
REACHABLE_JOB_STALE_MINUTES = envint("REACHABLE_JOB_STALE_MINUTES", 15, minimum=1)
REACHABLE_UPLOAD_DIR = Path(envstr("REACHABLE_UPLOAD_DIR", str(VAR_DIR / "uploads")))
# A practice example's attachment (PDF, slides, a document) in the learning hub.
REACHABLE_LEARNING_ATTACHMENT_MAX_MB = envint("REACHABLE_LEARNING_ATTACHMENT_MAX_MB", 10, minimum=1)
# Django keeps small uploads in memory; anything over this goes to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
REACHABLE_RETURNS_DIR = Path(envstr("REACHABLE_RETURNS_DIR", str(VAR_DIR / "returns")))
if PRODUCTION:
    REACHABLE_LINKAGE_KEY = envstr("REACHABLE_LINKAGE_KEY")
    if len(REACHABLE_LINKAGE_KEY) < 32:
        raise ImproperlyConfigured("REACHABLE_LINKAGE_KEY must be at least 32 random characters.")
else:
    REACHABLE_LINKAGE_KEY = envstr(
        "REACHABLE_LINKAGE_KEY", f"insecure-{MODE}-linkage-key-0123456789"
    )

# The audit chain is an HMAC chain under this key, kept outside the database: someone able to edit
# the table cannot recompute the hashes without it. The daily head (governance_daily) goes to
# REACHABLE_AUDIT_HEAD_FILE, a place the data protection lead keeps (another server, a WORM share).
if PRODUCTION:
    REACHABLE_AUDIT_KEY = envstr("REACHABLE_AUDIT_KEY")
    if len(REACHABLE_AUDIT_KEY) < 32:
        raise ImproperlyConfigured("REACHABLE_AUDIT_KEY must be at least 32 random characters.")
else:
    REACHABLE_AUDIT_KEY = envstr("REACHABLE_AUDIT_KEY", f"insecure-{MODE}-audit-key-0123456789")
REACHABLE_AUDIT_HEAD_FILE = Path(
    envstr("REACHABLE_AUDIT_HEAD_FILE", str(VAR_DIR / "audit-heads.jsonl"))
)

# Break-glass access to a record outside a user's scope lasts this long, then closes by itself.
REACHABLE_BREAK_GLASS_MINUTES = envint("REACHABLE_BREAK_GLASS_MINUTES", 60, minimum=1)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "reachable.lib.text_guard.refuse_unwritable_text",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "reachable.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reachable.urls"
WSGI_APPLICATION = "reachable.wsgi.application"

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
                "reachable.accounts.context_processors.navigation",
            ],
        },
    }
]
FORM_RENDERER = "reachable.lib.forms.GovukFormRenderer"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("REACHABLE_PASSWORD_MIN_LENGTH", 12, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if MODE == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "work:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after a period of inactivity and when the browser closes: shared custody-suite
# computers are common.
SESSION_COOKIE_AGE = envint("REACHABLE_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Lockout after repeated failures, per username and address.
AXES_FAILURE_LIMIT = envint("REACHABLE_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = envint("REACHABLE_LOCKOUT_MINUTES", 30, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Across every address: someone spreading guesses over many machines still locks the account.
REACHABLE_LOCKOUT_ACCOUNT_FAILURES = envint("REACHABLE_LOCKOUT_ACCOUNT_FAILURES", 20, minimum=1)
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

OTP_TOTP_ISSUER = envstr("REACHABLE_OTP_ISSUER", "Reachable")

SECURE = envbool("REACHABLE_SECURE", PRODUCTION)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and envbool("REACHABLE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("REACHABLE_HSTS_SECONDS", 31536000 if SECURE else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = envstr("REACHABLE_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# GOV.UK Frontend is built into static/reachable/ at set-up (npm run build); see README.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("REACHABLE_STATIC_ROOT", str(PROJECT_DIR / "staticfiles")))
# Outside production nothing runs collectstatic, so WhiteNoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "reachable.accounts.api_clients.ClientTokenAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Partner systems' calls per minute, set per client (``ApiClient.calls_per_minute``).
    "DEFAULT_THROTTLE_CLASSES": ["reachable.accounts.api_clients.ClientRateThrottle"],
    # Bodies are JSON; the operations that take a file say so themselves (multipart).
    "DEFAULT_PARSER_CLASSES": ["reachable.lib.text_guard.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Reachable API",
    "DESCRIPTION": "Multi-agency county lines safeguarding. Every endpoint is scoped to the caller.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Every operation's refusals (400, 401, 403, 404, 409, 415, 422, 429) and their one error
    # shape are added to the schema, so a generated client knows every answer it can get.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "reachable.api.schema.errors_documented",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
}
# How long the answer to a write sent with an Idempotency-Key is kept for a retry.
REACHABLE_IDEMPOTENCY_HOURS = envint("REACHABLE_IDEMPOTENCY_HOURS", 24, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("REACHABLE_LOG_LEVEL", "INFO")},
    # WeasyPrint logs each step of every PDF at INFO: noise in a server log.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
