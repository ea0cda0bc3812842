from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL

# B105: a fixed key is fine for the test suite only; prod refuses to start without its own.
SECRET_KEY = "test-only-key"  # nosec B105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if REDIS_URL:
    # Keep the suite's counters apart from anything else on the same Redis.
    CACHES["default"]["KEY_PREFIX"] = "legs-test"

# Static files come straight from the app and project folders; no collectstatic needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
