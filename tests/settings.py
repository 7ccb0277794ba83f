"""Test settings: the real settings, made fast. DATABASE_URL / REDIS_URL still switch backends."""

import os
import tempfile

os.environ.setdefault("THREADLINE_VAR_DIR", tempfile.mkdtemp(prefix="threadline-test-var-"))
# Tests run as the development server does (DEBUG=1, a generated secret) unless the environment
# gives a SECRET_KEY, as a deployment would.
if not os.environ.get("SECRET_KEY") and not os.environ.get("SECRET_KEY_FILE"):
    os.environ.setdefault("DEBUG", "1")

from mes.settings import *  # noqa: E402,F403
from mes.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="threadline-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": None}  # in memory
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Tasks run in-process in tests whatever REDIS_URL says; tests marked `redis` start a real worker.
CELERY_TASK_ALWAYS_EAGER = True

# Parallel runs (pytest-xdist): every test starts by emptying the cache, which on Redis empties
# the whole database. Each worker gets a Redis database of its own, so one worker's clean slate
# never wipes another's PIN counters or relay flags mid-test.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _worker.startswith("gw"):  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _url = urlsplit(REDIS_URL)  # noqa: F405
    _base = int(_url.path.strip("/") or 0)
    _db = (_base + 1 + int(_worker[2:])) % 16
    CACHES = {  # noqa: F405
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": urlunsplit(_url._replace(path="/{}".format(_db))),
        }
    }
