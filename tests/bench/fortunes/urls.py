import sqlite3
from pathlib import Path

from django.db import connection
from django.shortcuts import render
from django.urls import path

MESSAGES = [
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. — Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    '<script>alert("This should not be displayed in a browser alert box.");</script>',
    "フレームワークのベンチマーク",
]


def create_database(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE IF EXISTS fortune")
        db.execute("CREATE TABLE fortune (id INTEGER PRIMARY KEY, message TEXT NOT NULL)")
        db.executemany("INSERT INTO fortune (message) VALUES (?)", [(m,) for m in MESSAGES])
    db.close()


def fortunes(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, message FROM fortune")
        rows = cursor.fetchall()
    rows.append((0, "Additional fortune added at request time."))
    rows.sort(key=lambda row: row[1])
    return render(request, "fortunes.html", {"fortunes": rows})


urlpatterns = [path("fortunes/", fortunes)]
