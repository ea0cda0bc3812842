"""End to end with the real queue: the database backend and a real `manage.py db_worker` process.

Everything else in the suite runs tasks at once in the request (the immediate backend). Here
three processes share one SQLite file, as `make run` has them share db.sqlite3: one migrates,
one uploads a real FIT file through the real form (which only queues the task), and the worker,
started first, picks the task up and imports it. Waits are bounded by a deadline.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from tests.legs.imports_support import REAL

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
DEADLINE_SECONDS = 90

UPLOAD = """
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.utils import setup_test_environment
from legs.models import Import
from tests.factories import UserFactory

setup_test_environment()
client = Client()
client.force_login(UserFactory(username="worker-test"))
with open({path!r}, "rb") as handle:
    data = handle.read()
answer = client.post("/diary/import/", {{"file": [SimpleUploadedFile("watch.fit", data)]}})
assert answer.status_code == 302, answer.status_code
print(Import.objects.get().pk)
"""


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, MANAGE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_real_worker_process_imports_an_uploaded_file(tmp_path):
    database = tmp_path / "worker.sqlite3"
    uploads = tmp_path / "imports"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "IMPORT_UPLOAD_DIR": str(uploads),
    }
    manage(env, "migrate", "--noinput", "-v0")
    worker = subprocess.Popen(
        [sys.executable, MANAGE, "db_worker", "--interval", "0.2", "--no-startup-delay"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        fit = REAL / "gap_laufen_landal_park_run.fit"
        import_id = int(manage(env, "shell", "-c", UPLOAD.format(path=str(fit))).split()[-1])

        def status() -> str:
            with contextlib.closing(sqlite3.connect(database, timeout=20)) as connection:
                (value,) = connection.execute(
                    "SELECT status FROM legs_import WHERE id = ?", (import_id,)
                ).fetchone()
            return value

        deadline = time.monotonic() + DEADLINE_SECONDS
        while status() not in ("done", "failed"):
            assert time.monotonic() < deadline, "the worker did not finish the import in time"
            # Waiting on the worker is the pause between looks; it must still be running.
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.wait(timeout=0.2)
            assert worker.returncode is None, worker.stdout.read()
        assert status() == "done"
        with contextlib.closing(sqlite3.connect(database)) as connection:
            runs = connection.execute(
                "SELECT distance_km, source, avg_heart_rate FROM legs_run"
            ).fetchall()
        assert [(round(float(km), 3), source, heart) for km, source, heart in runs] == [
            (3.323, "fit", 136)
        ]
        assert not (uploads / str(import_id)).exists()
    finally:
        # SIGTERM, as Ctrl-C in `make run`: the worker finishes its task and exits.
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=DEADLINE_SECONDS)
    assert worker.returncode == 0
