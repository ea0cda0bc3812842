from .base import *  # noqa: F403
from .base import SECRET_KEY

DEBUG = True
# A fixed key is fine on a developer's machine only; prod refuses to start without its own.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-used-in-production"

# Static files come straight from the app and project folders; no collectstatic needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
