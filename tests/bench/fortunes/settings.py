"""The throughput floor: a minimal Django page that reads 12 rows and renders a template.

The TechEmpower "fortunes" shape, served with the same gunicorn settings as the site so
`make bench` can compare each page's requests per second with it.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECRET_KEY = os.environ.get("SECRET_KEY", "fortunes-bench-only")  # nosec B105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.bench.fortunes.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("FORTUNES_DB", str(HERE / "fortunes.sqlite3")),
        "CONN_MAX_AGE": 60,
    }
}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    ["django.template.loaders.filesystem.Loader"],
                )
            ]
        },
    }
]
USE_TZ = True
