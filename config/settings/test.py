import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, DATABASES, REDIS_URL, env

# B105: a fixed key is fine for the test suite only; prod refuses to start without its own.
SECRET_KEY = "test-only-key"  # nosec B105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if REDIS_URL:
    # Keep the suite's entries apart from anything else on the same Redis.
    for _alias, _cache in CACHES.items():
        _cache["KEY_PREFIX"] = f"legs-test-{_alias}"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not SQLite's shared in-memory database: the rate-limit tests send concurrent
    # requests from threads, each with its own connection, and connections to a shared in-memory
    # database fail at once with "table is locked" instead of waiting their turn as the
    # IMMEDIATE transactions of a file database do. One file per test process; Django deletes it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"legs-test-{os.getpid()}.sqlite3")
    }

# Static files come straight from the app and project folders; no collectstatic needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tasks run inside the request that enqueues them; the one end-to-end test of the real worker
# sets TASKS_BACKEND to the database backend for its own processes.
TASKS = {
    "default": {"BACKEND": env("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}
}
# Apart from a developer's uploads (most tests point it at a tmp_path; the worker test's
# processes read it from the environment).
IMPORT_UPLOAD_DIR = Path(env("IMPORT_UPLOAD_DIR") or BASE_DIR / "var" / "test-imports")
