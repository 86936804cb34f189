"""One settings module, driven by environment variables.

With no variables at all this is the embedded default: SQLite under ``var/``,
Celery tasks run in-process, a local-memory cache. ``DATABASE_URL`` and
``REDIS_URL`` switch to PostgreSQL and Redis; ``DJANGO_ENV=production`` turns
on the deployment checks. See the README's table of variables.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from corsheaders.defaults import default_headers as default_cors_headers
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import Env

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

DJANGO_ENV = env.choice("DJANGO_ENV", "development", ("development", "production"))
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env.required("SECRET_KEY", "when DJANGO_ENV=production")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 varied characters.")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production.")
else:
    # A fixed key for local use only; production refuses to start without its own.
    SECRET_KEY = env.str("SECRET_KEY", "django-insecure-local-development-key-not-for-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be false when DJANGO_ENV=production.")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin site, open only to staff who passed the second factor (accounts/two_factor.py).
    "accounts.apps.TwoFactorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "oauth2_provider",
    "axes",
    "csp",
    "corsheaders",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "audit",
    "intake",
    "triage",
    "reports",
    # On top: every page, API and use case that spans the apps above (imports go down).
    "clinic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every response but static files: `no-store, private`, unless it says otherwise.
    "config.cache_policy.NoStoreMiddleware",
    # Every response but static files (WhiteNoise answers first) carries the policy.
    "csp.middleware.CSPMiddleware",
    # Cross-origin calls to /fhir/ and /api/v1/, for the origins configured (none by default);
    # before any middleware that answers by itself, as django-cors-headers asks.
    "corsheaders.middleware.CorsMiddleware",
    # Under /fhir/, whatever answers with an error below: an OperationOutcome.
    "clinic.api.fhir.errors.FHIRErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Tells request.user which authenticator device verified this session, if any.
    "django_otp.middleware.OTPMiddleware",
    # Signs a user out after SESSION_IDLE_SECONDS without activity (polling does not count).
    "accounts.idle.IdleTimeoutMiddleware",
    # A tablet handed to a patient reaches nothing but that patient's questions.
    "clinic.patient.kiosk.KioskLockMiddleware",
    # Every page needs a signed-in user unless its view says otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # ...and an administrator (or anyone who enrolled) also needs the authenticator code.
    "accounts.two_factor.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "accounts.context_processors.session_timeout",
                "config.context_processors.clinic",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
_postgres = env.database("DATABASE_URL")
if PRODUCTION and not _postgres:
    # SQLite inside a container would lose the records on the next deploy.
    raise ImproperlyConfigured("DATABASE_URL must be set when DJANGO_ENV=production.")
if _postgres:
    DATABASES = {
        "default": {
            **_postgres,
            "ENGINE": "django.db.backends.postgresql",
            # Reuse connections, but check them first: a restarted server
            # must not turn into errors on the next request.
            "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", 60, maximum=3600),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", 5, minimum=1),
            },
        }
    }
else:
    VAR_DIR = BASE_DIR / "var"
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache ----------------------------------------------
REDIS_URL = env.redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 3, "socket_timeout": 3},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery reads the CELERY_* names (config/celery.py).
CELERY_BROKER_URL = REDIS_URL or "memory://"
# The database rows are the results; only diagnostic tasks (config.ping) keep one.
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL  # embedded default: tasks run in-process
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A refused or hung broker must fail fast: the database row is already
# committed and the sweeper re-sends it, so waiting helps nobody.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 3,
    "socket_connect_timeout": 3,
    "max_retries": 1,
    # How long a task taken by a worker that died waits before redelivery;
    # every task's hard time limit is well below it.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", 900, minimum=60),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# PDF rendering has a queue of its own, so a backlog of summaries never delays
# the short jobs (the sweeper, and any notification added later) on `default`.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"reports.generate_summary": {"queue": "summaries"}}
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Auth ---------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: refuses a locked-out username+address before any check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", 15 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True  # the timeout counts from the last request: idle logoff
# session.js warns this long before the idle sign-out, with a "Stay signed in" button.
SESSION_WARNING_SECONDS = min(120, SESSION_COOKIE_AGE // 2)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout (django-axes): LOGIN_FAILURE_LIMIT failed sign-ins for one username from one
# address lock that pair for LOGIN_LOCKOUT_MINUTES; every try while locked restarts the wait.
# Unknown usernames lock the same way, so the lockout tells nothing about which accounts exist.
# On top, LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, whatever the usernames, pause
# every sign-in from it (accounts/lockout.py): guessing across many accounts (decisions/0011).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1, maximum=1440))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_HANDLER = "accounts.lockout.LockoutHandler"
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1, maximum=1000)
if LOGIN_ADDRESS_FAILURE_LIMIT < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured("LOGIN_ADDRESS_FAILURE_LIMIT must be at least LOGIN_FAILURE_LIMIT.")
# The proxies that may say who the client is (nginx, not the load balancer before it: nginx
# takes the client from that with real_ip). From any other peer X-Forwarded-For is ignored.
TRUSTED_PROXIES = env.networks("TRUSTED_PROXIES")
if env.str("TRUSTED_PROXY_COUNT"):
    # Left set, it would silently mean "no proxy": everyone would share nginx's address.
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT is replaced by TRUSTED_PROXIES (the proxies' addresses); "
        "see docs/decisions/0011-client-address-and-lockout.md."
    )
AXES_CLIENT_IP_CALLABLE = "audit.services.client_address"
# The audit trail records sign-ins; axes' own access log would only duplicate it.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no start-up banner on every manage.py command's stderr

# Two-factor sign-in (django-otp, TOTP): required for administrators, open to everyone.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", "Leg numbness intake")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret key

# --- Internationalisation ----------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
# Inside the config package, so the wheel (and the image built from it) carries them.
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", "America/New_York")
USE_TZ = True

# --- Static files -------------------------------------------------------------------
STATIC_URL = "static/"
# Set it when installed from the wheel: the default would sit inside site-packages.
STATIC_ROOT = Path(env.str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Generated PDFs are private: outside STATIC_ROOT, never served by URL.
MEDIA_ROOT = Path(env.str("PRIVATE_FILES_ROOT", str(BASE_DIR / "var" / "private")))
# No URL pattern and no proxy rule serves this prefix: files go out only through views
# that check the role and write the audit record.
MEDIA_URL = "/private-files-are-not-served/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- API ---------------------------------------------------------------------------
# Integrations carry an OAuth2 Bearer token (accounts/integrations.py); staff in the browser
# their session. The REST endpoints also take the old DRF tokens, for one release
# (clinic.api.rest: `DeprecatedTokenAuthentication`).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First: its challenge is the 401's WWW-Authenticate.
        "accounts.api_auth.IntegrationTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Leg numbness intake API",
    "DESCRIPTION": "Intake documents, triage and pre-visit summaries.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # 3.1: its schemas are JSON Schema 2020-12, as the intake document's is (intake.document).
    "OAS_VERSION": "3.1.0",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "clinic.api.schema.document_refusals_and_bodies",
        "clinic.api.schema.alternatives_as_any_of",
    ],
}

# OAuth2 for integrations (django-oauth-toolkit): client credentials only, SMART v2 scopes.
# Tokens are stored as their SHA-256 checksum only (RFC 9700 §2.6's storage); client secrets
# hashed as passwords are. `INTEGRATION_SECRET_DAYS` is how long a new secret works.
# (`nosec B105`: bandit reads a setting named *TOKEN* as a password; none of these is one.)
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,  # nosec B105
    "OAUTH2_VALIDATOR_CLASS": "accounts.integrations.IntegrationValidator",
    "SCOPES_BACKEND_CLASS": "accounts.scopes.IntegrationScopes",
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # nosec B105
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,  # nosec B105
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    # No refresh tokens nor redirects are used (client credentials only); were they, safely.
    "REFRESH_TOKEN_REUSE_PROTECTION": True,  # nosec B105
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,  # nosec B105
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
# Not swapped; named because the migrations that refer to it say it as a swappable model.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
INTEGRATION_SECRET_DAYS = env.int("INTEGRATION_SECRET_DAYS", 90)

# Cross-origin use (django-cors-headers): only the integrations' endpoints, and only for the
# origins listed (a browser-based form filler elsewhere). None by default. Credentials are
# never sent cross-origin: integrations carry their own token, not a person's session.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/(fhir|api/v1)/"
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = (*default_cors_headers, "if-match", "if-none-match", "prefer")
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Location",
    "Content-Location",
    "Last-Modified",
    "WWW-Authenticate",
    "Link",
]

# --- Security headers ----------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# The patient's link pages carry their token in the URL: a Referer never holds a path,
# only the origin. Not "no-referrer": under it browsers send `Origin: null` with every
# form post (Fetch standard), and Django's CSRF check rightly refuses those.
SECURE_REFERRER_POLICY = "strict-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # an intake is a few KB; refuse anything silly
# Scripts and styles only from our own static files: no inline code, no CDN. Behaviour
# lives in config/static/app/*.js; htmx's injected indicator style is off (base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap's icons are data: SVGs in its CSS
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Logging: ids only, never patient data ----------------------------------------------
LOG_LEVEL = env.choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # SQL parameters carry patient data: never log them, even at DEBUG.
        "django.db.backends": {"level": "INFO", "propagate": True},
        # At DEBUG it logs whole template contexts (the patient's answers) on a missing variable.
        "django.template": {"level": "INFO", "propagate": True},
        # WeasyPrint narrates every render at INFO; its warnings still come through.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
ADMINS = []  # error e-mails would carry request data; errors go to the log instead

# --- Periodic jobs (celery beat: exactly one instance) ----------------------------
CELERY_BEAT_SCHEDULE = {
    "resend-stale-summaries": {"task": "reports.resend_stale_summaries", "schedule": 60.0},
    # Walk the audit chain and store its head (audit/chain.py); 08:00 UTC, the clinic's night.
    "verify-audit-chain": {"task": "audit.verify_chain", "schedule": crontab(hour=8, minute=0)},
    # E-mail the clinicians about emergency alerts nobody acknowledged (clinic/escalation.py).
    "escalate-alerts": {"task": "clinic.escalate_alerts", "schedule": 30.0},
    # Send the links' messages that are due: retries, reminders (clinic/link_messages.py).
    "send-link-messages": {"task": "clinic.send_link_messages", "schedule": 60.0},
    # Expired OAuth2 access tokens go from the database (an hour's life each).
    "clear-expired-tokens": {"task": "accounts.clear_expired_tokens", "schedule": 3600.0},
}

# --- Emergency alerts: escalation by e-mail -----------------------------------------------
# An emergency alert no clinician acknowledged within ALERT_ESCALATE_MINUTES is e-mailed to
# the clinicians on call, and again every ALERT_REPEAT_MINUTES until one does.
ALERT_ESCALATE_MINUTES = env.int("ALERT_ESCALATE_MINUTES", 5, minimum=1, maximum=60)
ALERT_REPEAT_MINUTES = env.int("ALERT_REPEAT_MINUTES", 10, minimum=1, maximum=120)
# The address staff open the app at: the links in e-mails. Production must name it.
PUBLIC_BASE_URL = (
    env.required("PUBLIC_BASE_URL", "when DJANGO_ENV=production")
    if PRODUCTION
    else env.str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
)
if not PUBLIC_BASE_URL.startswith(("https://", "http://")) or (
    PRODUCTION and not PUBLIC_BASE_URL.startswith("https://")
):
    raise ImproperlyConfigured("PUBLIC_BASE_URL must be an https:// address (http:// locally).")
# E-mail goes to the console unless EMAIL_HOST names an SMTP server; production must name
# one, or an escalation would go nowhere.
EMAIL_HOST = (
    env.required("EMAIL_HOST", "when DJANGO_ENV=production")
    if PRODUCTION
    else env.str("EMAIL_HOST", "")
)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10  # a server that hangs is a failure to retry, not a stuck worker
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "alerts@localhost")

# --- The clinic, as patients and staff are told to reach it ------------------------------
# An urgent level says "a clinician calls today; when the clinic is closed, urgent care"
# (clinical-content.md §2): the number and the hours it names, the hours in each language.
# A made-up number must never reach a patient: production names its own.
CLINIC_NAME = (
    env.required("CLINIC_NAME", "when DJANGO_ENV=production")
    if PRODUCTION
    else env.str("CLINIC_NAME", "Demo Neurology Clinic")
)
CLINIC_PHONE = (
    env.required("CLINIC_PHONE", "when DJANGO_ENV=production")
    if PRODUCTION
    else env.str("CLINIC_PHONE", "(555) 010-0100")
)
CLINIC_HOURS = {
    "en": env.str("CLINIC_HOURS", "Monday to Friday, 8 am to 6 pm"),
    "es": env.str("CLINIC_HOURS_ES", "de lunes a viernes, de 8:00 a 18:00"),
}

# --- Patient self-entry ----------------------------------------------------------------
# The longest a link may live (its signature refuses anything older), and the life of a link
# made without a visit; a visit's link works until the end of the visit's day, within the
# longest.
PATIENT_LINK_MAX_DAYS = env.int("PATIENT_LINK_MAX_DAYS", 14, minimum=1, maximum=60)
PATIENT_LINK_HOURS = env.int(
    "PATIENT_LINK_HOURS", 24, minimum=1, maximum=24 * PATIENT_LINK_MAX_DAYS
)
# A link not opened this long after it was sent is sent again; and again the day before the
# visit; never more than two reminders (clinic/link_messages.py).
INTAKE_REMINDER_HOURS = env.int("INTAKE_REMINDER_HOURS", 24, minimum=1, maximum=24 * 14)
# Text messages go through this class (clinic/text_messages.py): the console by default; a
# clinic names its provider's here, no code change.
TEXT_MESSAGE_BACKEND = env.str("TEXT_MESSAGE_BACKEND", "clinic.text_messages.ConsoleBackend")

# --- Pre-visit summary PDF -------------------------------------------------------------
SUMMARY_PAGE_SIZE = env.choice("SUMMARY_PAGE_SIZE", "letter", ("letter", "A4"))
