"""Settings shared by every environment; everything that differs comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'sellerdesk.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo runs web, worker and beat against one file: WAL lets readers and the
    # writer overlap, IMMEDIATE transactions avoid "database is locked" upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications ---------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "sellerdesk.core",
    "sellerdesk.replycheck",
    "sellerdesk.sla",
    "chats",
    "questions",
    "templates_lib",
    "reviews",
    "sellerdesk.marketplaces",
    "sellerdesk.notifications",
    "axes",
    "autopilot",
]

MIDDLEWARE = [
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
    "sellerdesk.core.middleware.CurrentShopMiddleware",
    "sellerdesk.core.page_cache.ShopPageCacheMiddleware",
    # last, as django-axes asks: it turns a lockout raised by its backend into the page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sellerdesk.urls"
WSGI_APPLICATION = "sellerdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sellerdesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sellerdesk.core.context_processors.shop_shell",
            ],
        },
    }
]

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account or address before the password is
    # even hashed, and counts failures in the database (admins see and clear them).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: after LOGIN_FAILURE_LIMIT wrong passwords for one login, or from one
# address, further attempts are refused for LOGIN_COOLOFF_MINUTES (a shop admin unlocks a
# member on the Members page; site admins in the Django admin or `axes_reset_username`).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sellerdesk.core.lockout.lockout_response"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {
        "BACKEND": env(
            "DEFAULT_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage"
        )
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The marketplace accepts up to 30 MB per message; leave room for form fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 32 * 1024 * 1024
# Pictures are checked from their header before decoding: a small file can hold a huge
# image (decompression bomb). 25 million pixels is a 6000x4000 photo (~75 MB decoded).
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=25_000_000)
IMAGE_MAX_SIDE = env.int("IMAGE_MAX_SIDE", default=12_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "sellerdesk.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The per-shop change cursors that open pages poll (sellerdesk/core/live.py). The web server
# and the worker must share them: Redis in production; without Redis (the demo) a directory
# of small files, which every process on the machine sees.
CACHES["live"] = (
    {"BACKEND": "sellerdesk.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "live"),
    }
)
# Sessions read from the cache first: a page's live poll can check who is asking without
# a database query (writes still go to the database, so a cache flush logs nobody out).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Busy pages answered from the cache while nothing in the shop changed (see
# sellerdesk/core/page_cache.py); 0 turns it off. Time-relative labels lag at most this long.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=30)
PAGE_CACHE_VIEWS = ["chats:inbox", "chats:conversation", "questions:list"]
# How often an open page asks whether its shop changed (seconds).
LIVE_POLL_SECONDS = env.float("LIVE_POLL_SECONDS", default=1.5)

# --- Celery ---------------------------------------------------------------------------------
# Without Redis the demo uses kombu's filesystem transport: a real broker, no server needed.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Publishing a task while the broker is down: give up after about a second (the outbox
# sweep delivers what could not be enqueued) instead of holding the seller's request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}

# --- Outbox: the one retry policy for every reply on its way to a marketplace -----------------
# Attempt n waits min(MAX, BASE * 2**(n-1)) seconds (±20 %), never less than the
# marketplace's own Retry-After; after MAX_ATTEMPTS the reply is failed and shows a retry button.
OUTBOX_BACKOFF_BASE_SECONDS = env.float("OUTBOX_BACKOFF_BASE_SECONDS", default=5.0)
OUTBOX_BACKOFF_MAX_SECONDS = env.float("OUTBOX_BACKOFF_MAX_SECONDS", default=15 * 60.0)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)
# A claimed reply belongs to its worker this long; a worker that died leaves it to the sweep.
# Longer than one attempt can last (a few HTTP calls of WB_HTTP_TIMEOUT each, the limiter's wait).
OUTBOX_LEASE_SECONDS = env.float("OUTBOX_LEASE_SECONDS", default=180.0)
# How often beat re-enqueues due replies whose task message was lost (broker down, worker killed).
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=30.0)

# Apps add their periodic tasks here (task name -> schedule).
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # SLA: backstop for lost ETA timers, and reminders at the shops' check times.
    "sla-sweep": {
        "task": "sellerdesk.sla.tasks.sla_sweep",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "sla-reminders": {
        "task": "sellerdesk.sla.tasks.sla_send_reminders",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # Marketplaces: pull new questions/reviews/chat events; re-enqueue due or orphaned outbox items.
    "marketplaces-sync": {
        "task": "marketplaces.sync_all",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "marketplaces-outbox-sweep": {
        "task": "marketplaces.outbox_sweep",
        "schedule": OUTBOX_SWEEP_SECONDS,
        "options": {"expires": max(1.0, OUTBOX_SWEEP_SECONDS - 5)},
    },
    # Autopilot: send scheduled replies whose ETA task was lost.
    "autopilot-sweep": {
        "task": "autopilot.tasks.auto_replies_sweep",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "marketplaces-inbound-import": {
        "task": "marketplaces.inbound_import_pending",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Marketplaces and apps -------------------------------------------------------------------
# Key for marketplace API tokens at rest (Fernet); empty derives one from SECRET_KEY.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")
# Seconds a Wildberries HTTP call may take before it counts as an unknown outcome.
WB_HTTP_TIMEOUT = env.float("WB_HTTP_TIMEOUT", default=15.0)
# Redis shared by every process for the Wildberries rate limits; empty means REDIS_URL.
WB_RATE_LIMIT_REDIS_URL = env("WB_RATE_LIMIT_REDIS_URL", default="")
# Seconds between generated demo questions; 0 turns the generator off. On by default only with
# the demo's filesystem broker, so runs against Redis never start an endless chain.
QUESTIONS_DEMO_TRICKLE_SECONDS = env.int(
    "QUESTIONS_DEMO_TRICKLE_SECONDS",
    default=75 if CELERY_BROKER_URL.startswith("filesystem://") else 0,
)

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # One line per task received, succeeded and scheduled (SLA timers, syncs, sweeps every
    # minute) buried the demo's terminal; failures and warnings still show.
    "loggers": {
        name: {"level": env("TASK_LOG_LEVEL", default="WARNING")}
        for name in ("celery.app.trace", "celery.worker.strategy", "celery.beat")
    },
}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Notifications --------------------------------------------------------------------------
# Links in e-mails and Telegram messages point here (no request to take the host from).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# E-mail: EMAIL_URL such as smtp+tls://user:password@smtp.example.com:587 (production);
# the console backend prints messages (demo, development).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="SellerDesk <noreply@localhost>")
TELEGRAM_API_BASE = env("TELEGRAM_API_BASE", default="https://api.telegram.org")
NOTIFICATIONS_LEASE_SECONDS = env.int("NOTIFICATIONS_LEASE_SECONDS", default=120)
NOTIFICATIONS_RETRY_BASE_SECONDS = 30
NOTIFICATIONS_RETRY_MAX_SECONDS = 3600
NOTIFICATIONS_MAX_ATTEMPTS = 6
CELERY_BEAT_SCHEDULE.update(
    {
        "notifications-sweep": {
            "task": "sellerdesk.notifications.tasks.notifications_sweep",
            "schedule": 60.0,
            "options": {"expires": 55},
        },
        # Dashboards: build the daily roll-ups of days that ended (idempotent).
        "rollups-catch-up": {
            "task": "sellerdesk.core.tasks.rollups_catch_up",
            "schedule": 900.0,
            "options": {"expires": 880},
        },
        "notifications-telegram-poll": {
            "task": "sellerdesk.notifications.tasks.telegram_poll",
            "schedule": 30.0,
            "options": {"expires": 25},
        },
    }
)
