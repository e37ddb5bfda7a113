"""Tests run against the production services: PostgreSQL and Redis (see .ci/run)."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR, env

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]  # live_server binds to localhost on a random port
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

DATABASES["default"] = env.db(
    "TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/postgres"
)
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# pytest-django appends the xdist worker id (gw0, gw1…) to this name by itself.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default="test_sellerdesk")}

# Each xdist worker gets its own Redis database, so a Celery worker started by one test
# process never consumes the tasks of another (which would point at another test DB).
_xdist_index = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
REDIS_URL = env("TEST_REDIS_URL", default=f"redis://127.0.0.1:6379/{10 + _xdist_index}")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "live": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "live"},
}
CELERY_BROKER_URL = REDIS_URL
# base.py decided this from its own broker; tests never run the endless demo generator.
QUESTIONS_DEMO_TRICKLE_SECONDS = 0
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "test-celerybeat-schedule")

MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests render every page afresh; tests/security/test_page_cache.py turns the cache on.
PAGE_CACHE_SECONDS = 0
