from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from legs.backup import backup


class Command(BaseCommand):
    help = "Back up the whole database to a file (SQLite online backup, or pg_dump on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if file.exists():
            raise CommandError(f"{file} already exists; choose a new file name.")
        try:
            backup(file)
        except Exception as error:
            raise CommandError(f"Backup failed: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Backed up to {file}"))
