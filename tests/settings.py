"""Test settings: the real settings, made fast. DATABASE_URL / REDIS_URL still switch backends."""

import os
import tempfile

os.environ.setdefault("THREADLINE_VAR_DIR", tempfile.mkdtemp(prefix="threadline-test-var-"))

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
