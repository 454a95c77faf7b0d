"""Django settings for the Defector Program case system.

Two modes, chosen by ``DEFECTOR_ENV``:

- ``development`` (default): SQLite under ``var/``, secrets generated under ``var/`` on first
  use, ``DEBUG`` on unless ``DEFECTOR_DEBUG=false`` or demo mode (``DEFECTOR_DEMO``).
- ``production``: secrets must exist (environment or files), HTTPS-only cookies, HSTS and the
  rest of ``manage.py check --deploy``.

``DATABASE_URL`` switches the database (PostgreSQL in production); nothing else changes.
"""

from __future__ import annotations

from defector.core import config

ENV = config.env_str("DEFECTOR_ENV", "development")
if ENV not in {"development", "production"}:
    raise config.ConfigurationError(f"DEFECTOR_ENV must be development or production, not {ENV!r}")
PRODUCTION = ENV == "production"
# Demo mode (``make demo``) is announced on the sign-in page; never in production.
DEMO_MODE = not PRODUCTION and config.env_bool("DEFECTOR_DEMO", False)

BASE_DIR = config.PROJECT_ROOT
STATE_DIR = config.state_dir()

SECRET_KEY = config.read_secret("DEFECTOR_SECRET_KEY", "secret_key", create=not PRODUCTION)
# Demo mode runs as its users see it: the site's own 404 and 500 pages, never Django's
# technical pages (which list the URL patterns and settings).
DEBUG = False if PRODUCTION or DEMO_MODE else config.env_bool("DEFECTOR_DEBUG", True)
ALLOWED_HOSTS = config.env_list(
    "DEFECTOR_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise config.ConfigurationError("production needs DEFECTOR_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = config.env_list("DEFECTOR_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    # Multi-factor authentication: TOTP devices; recovery codes are the accounts app's own
    # (hashed) device, see docs/security.md.
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The task framework (the django-tasks backport of Django 6's django.tasks) and its
    # database queue: `defector worker` runs what is queued (docs/notifications.md).
    "django_tasks",
    "django_tasks_db",
    "defector.core",
    "defector.accounts",
    "defector.directory",
    "defector.powers",
    "defector.cases",
    "defector.committees",
    "defector.escalations",
    "defector.notifications",
    "defector.traces",
    "defector.dissemination",
    "defector.exploitation",
    "defector.publicity",
    "defector.reports",
    "defector.compliance",
    "defector.web",
    "defector.ops",
]

MIDDLEWARE = [
    # Outermost: a request's latency by route pattern counts every other middleware's time.
    "defector.core.metrics.RequestLatencyMiddleware",
    # The answer leaves once the audit head's moves are on the disk (core.durable: PostgreSQL).
    "defector.core.durable.DurableAnswersMiddleware",
    "defector.core.middleware.RequestIdMiddleware",
    "defector.core.middleware.SessionlessPathsMiddleware",
    "defector.core.middleware.RefuseOversizedBodiesMiddleware",
    "defector.core.middleware.RejectNulCharactersMiddleware",
    "defector.core.middleware.HeadAsGetForTheApiMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # django-csp's, with the header built once per process (not per response).
    "defector.core.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, but the account is read with the session's row (accounts.session_store).
    "defector.accounts.middleware.AuthenticationMiddleware",
    # Outside the accounts middleware below, so that their own answers get these headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "defector.core.middleware.NoStoreForAuthenticatedMiddleware",
    # django-otp's, verifying the user at once (request.user: the account, not lazy objects).
    "defector.accounts.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A GET of a form's action address answers 303 to its page, not an empty 405.
    "defector.core.middleware.ActionGetRedirectMiddleware",
    # Idle and absolute time limits of a session; then the second factor (MFA_REQUIRED).
    "defector.accounts.middleware.SessionLimitsMiddleware",
    "defector.accounts.middleware.SecondFactorMiddleware",
    # A read asks each access decision of the database once (core.access.remembering).
    "defector.core.middleware.RememberAccessForReadsMiddleware",
    # Innermost: a write refused for a faulty audit chain answers a 503 page naming the fault.
    "defector.core.middleware.AuditChainFaultMiddleware",
]

ROOT_URLCONF = "defector.urls"
WSGI_APPLICATION = "defector.wsgi.application"
ASGI_APPLICATION = "defector.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "defector.web.context_processors.shell",
            ],
            # ``{% url %}`` reversed from a shape reversed once (``core.reversing``).
            "builtins": ["defector.web.templatetags.urls"],
        },
    },
]

_database_url = config.env_str("DATABASE_URL")
DATABASES = {
    "default": config.database_from_url(_database_url)
    if _database_url
    else config.sqlite_database(STATE_DIR / "defector.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
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
LOGIN_URL = "web:sign-in"
#: Every account needs a second factor (TOTP) except in demo mode; ``DEFECTOR_MFA_REQUIRED``
#: overrides (production refuses to turn it off).
MFA_REQUIRED = config.env_bool("DEFECTOR_MFA_REQUIRED", not DEMO_MODE)
if PRODUCTION and not MFA_REQUIRED:
    raise config.ConfigurationError("production requires multi-factor authentication")
#: Revealing a sealed value needs a second factor entered within this many seconds.
STEP_UP_SECONDS = config.env_int("DEFECTOR_STEP_UP_SECONDS", 5 * 60)
#: An API write sent with an ``Idempotency-Key`` keeps its answer this many hours: a retry
#: with the same key within them gets that answer again instead of doing the work twice.
IDEMPOTENCY_KEY_HOURS = config.env_int("DEFECTOR_IDEMPOTENCY_KEY_HOURS", 24)
#: Every list of the API is paginated (``core.pagination``): this many items a page unless the
#: caller asks for ``page_size``, and never more than the maximum.
DEFECTOR_PAGE_SIZE = config.env_int("DEFECTOR_PAGE_SIZE", 50)
DEFECTOR_MAX_PAGE_SIZE = config.env_int("DEFECTOR_MAX_PAGE_SIZE", 200)
#: Failed sign-ins (password or code): this many for one account, or from one client
#: address, within the window lock that account or address for the lockout time.
SIGN_IN_ACCOUNT_FAILURES = config.env_int("DEFECTOR_SIGN_IN_ACCOUNT_FAILURES", 5)
SIGN_IN_ADDRESS_FAILURES = config.env_int("DEFECTOR_SIGN_IN_ADDRESS_FAILURES", 20)
SIGN_IN_WINDOW_SECONDS = config.env_int("DEFECTOR_SIGN_IN_WINDOW_SECONDS", 15 * 60)
SIGN_IN_LOCKOUT_SECONDS = config.env_int("DEFECTOR_SIGN_IN_LOCKOUT_SECONDS", 15 * 60)
OTP_TOTP_ISSUER = "Defector Program"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:sign-in"

# `defector serve`: gunicorn's processes and the threads of each. Four processes of one thread
# suit a 2-core machine: each runs gunicorn's sync worker (``ops.server.SyncWorker``), one
# request at a time, taken from one queue of connections for all processes, with no
# interpreter lock shared; a request waiting on the database or on Argon2 leaves its core to
# another process. Against four processes of two threads, at 100,000 cases and 16 clients: the
# same memory, less CPU a request, a p99 under half as long on PostgreSQL (docs/benchmarks.md,
# "The tail of the reads: the eleventh session"). More than one thread: gthread workers.
SERVER_WORKERS = config.env_int("DEFECTOR_SERVER_WORKERS", 4)
SERVER_THREADS = config.env_int("DEFECTOR_SERVER_THREADS", 1)
#: The connections a threaded process holds at once; it takes no more until one ends, and keeps
#: none alive after its answer. The connections beyond wait in the listening socket for the first
#: process with room: a kept-alive connection stays with the process that took it, so one
#: process could hold most of the clients while the others idle. Two a thread: a thread that
#: ends a request finds the next one waiting, without a round of the process's accept loop
#: (docs/operations.md, "Connections").
SERVER_CONNECTIONS = config.env_int("DEFECTOR_SERVER_CONNECTIONS", 2 * SERVER_THREADS)
if SERVER_WORKERS < 1 or SERVER_THREADS < 1:
    raise config.ConfigurationError(
        "DEFECTOR_SERVER_WORKERS and DEFECTOR_SERVER_THREADS must be at least 1"
    )
if SERVER_CONNECTIONS < SERVER_THREADS:
    raise config.ConfigurationError(
        "DEFECTOR_SERVER_CONNECTIONS must be at least DEFECTOR_SERVER_THREADS"
    )
#: On SIGTERM or SIGINT, how long requests in flight may take to finish before they are cut.
SERVER_GRACEFUL_SECONDS = config.env_int("DEFECTOR_SERVER_GRACEFUL_SECONDS", 30)
#: A request taking longer than this is cut and its worker restarted.
SERVER_TIMEOUT_SECONDS = config.env_int("DEFECTOR_SERVER_TIMEOUT_SECONDS", 60)
#: Each server process freezes what it made at start-up (the application, its URLs, views and
#: API; ``gc.freeze()``): the cyclic collector no longer walks those ~450,000 objects. Unfrozen,
#: a collection of the oldest generation came every 4,000–7,000 requests in every process at
#: about once, each 150–260 ms of CPU with the interpreter lock held (docs/operations.md).
SERVER_GC_FREEZE = config.env_bool("DEFECTOR_SERVER_GC_FREEZE", True)
#: The collector's first threshold in a server process (``gc.set_threshold``; Python's: 700):
#: objects allocated, less those freed, between two collections of the youngest generation.
SERVER_GC_THRESHOLD = config.env_int("DEFECTOR_SERVER_GC_THRESHOLD", 700)
if SERVER_GC_THRESHOLD < 1:
    raise config.ConfigurationError("DEFECTOR_SERVER_GC_THRESHOLD must be at least 1")
#: `/metrics` answers only a request bearing this token (``Authorization: Bearer …``); unset,
#: it answers nobody (404).
METRICS_TOKEN = config.env_str("DEFECTOR_METRICS_TOKEN")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise config.ConfigurationError("DEFECTOR_METRICS_TOKEN must be at least 32 characters")
#: The health checks and the metrics: answered without a session (``SessionlessPathsMiddleware``)
#: and, in production, over plain HTTP too (a load balancer's probe), but for the metrics.
SESSIONLESS_PATHS = ("/healthz", "/readyz", "/metrics")
#: `/readyz` fails when no worker (`defector worker`) has reported for this many seconds.
READY_HEARTBEAT_SECONDS = config.env_int("DEFECTOR_READY_HEARTBEAT_SECONDS", 300)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = STATE_DIR / "static"
if not PRODUCTION:
    # WhiteNoise serves from the apps' directories here, but expects the root to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Production serves hashed, compressed files collected by `collectstatic`;
        # development and tests serve straight from the apps' static directories.
        # Both answer a file's address from memory after the first time (``web.staticfiles``).
        "BACKEND": "defector.web.staticfiles.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "defector.web.staticfiles.StaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploaded files (signed voluntary statements): never served as static files; only through
# the access-checked views that read them (``cases.views.statements``, ``cases.api.statements``).
MEDIA_ROOT = STATE_DIR / "media"
MEDIA_URL = "media/"
# State files are private to the account that runs the system, as the key files are (0600);
# the SQLite database and its WAL files too (``core.config.keep_sqlite_files_private``).
FILE_UPLOAD_PERMISSIONS = config.PRIVATE_FILE_MODE
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Sessions and cookies. Production uses the __Host- prefix (Secure, path=/, no Domain).
# A session ends after SESSION_IDLE_SECONDS without a request and SESSION_ABSOLUTE_SECONDS after
# sign-in, whichever comes first (``accounts.middleware.SessionLimitsMiddleware``); the cookie
# lives no longer than the absolute limit.
SESSION_IDLE_SECONDS = config.env_int("DEFECTOR_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_SECONDS = config.env_int("DEFECTOR_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
#: Django's database sessions, each read with its account in one statement.
SESSION_ENGINE = "defector.accounts.session_store"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Security headers.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = config.env_bool("DEFECTOR_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = config.env_int("DEFECTOR_HSTS_SECONDS", 63_072_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load balancers probe health over plain HTTP; the metrics (a bearer token) stay on HTTPS.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Content-Security-Policy: no inline scripts or styles; everything from this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Notices (6e) are also e-mailed when DEFECTOR_EMAIL_NOTICES is true (off by default), through
# the SMTP server DEFECTOR_EMAIL_HOST:DEFECTOR_EMAIL_PORT; DEFECTOR_SITE_URL makes their links
# absolute. E-mails name cases by cryptonym only.
DEFECTOR_EMAIL_NOTICES = config.env_bool("DEFECTOR_EMAIL_NOTICES", False)
DEFECTOR_SITE_URL = config.env_str("DEFECTOR_SITE_URL")
EMAIL_HOST = config.env_str("DEFECTOR_EMAIL_HOST", "localhost")
EMAIL_PORT = config.env_int("DEFECTOR_EMAIL_PORT", 25)
EMAIL_USE_TLS = config.env_bool("DEFECTOR_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = config.env_int("DEFECTOR_EMAIL_TIMEOUT_SECONDS", 10)
DEFAULT_FROM_EMAIL = config.env_str("DEFECTOR_EMAIL_FROM", "defector-program@localhost")
EMAIL_HOST_USER = config.env_str("DEFECTOR_EMAIL_USER")
EMAIL_HOST_PASSWORD = config.env_str("DEFECTOR_EMAIL_PASSWORD")
# E-mail leaves through the notifications outbox, sent by `defector worker`: a row claimed by
# a worker is taken back by another after this many seconds (longer than any one send).
DEFECTOR_EMAIL_LEASE_SECONDS = config.env_int("DEFECTOR_EMAIL_LEASE_SECONDS", 120)
# How often the worker looks for e-mail the queued tasks did not send (retries, a dead
# sender's rows); each notice queues a task of its own, sent within a second.
DEFECTOR_EMAIL_SWEEP_SECONDS = config.env_int("DEFECTOR_EMAIL_SWEEP_SECONDS", 10)

# Background work (`defector worker`): tasks queued in the database, no broker to run.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": config.env_str("DEFECTOR_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
