import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = (
        "Load the content fixtures (catalogue, checklists, canned replies) into an empty "
        "database. A fixture whose models already hold rows is skipped, so running it again "
        "never overwrites what editors changed in the admin."
    )

    def handle(self, *args, **options):
        for path in sorted(FIXTURES_DIR.glob("*.json")):
            labels = {entry["model"] for entry in json.loads(path.read_text())}
            models = [apps.get_model(label) for label in labels]
            if any(model.objects.exists() for model in models):
                self.stdout.write(f"{path.name}: content already present, left as it is")
                continue
            call_command("loaddata", str(path), verbosity=0)
            self.stdout.write(self.style.SUCCESS(f"{path.name}: loaded"))
