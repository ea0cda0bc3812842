import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from legs import services


class Command(BaseCommand):
    help = (
        "Make a user a comment moderator: staff, in the Moderators group (which is rebuilt with "
        "its comment permissions if it is missing). A user that does not exist yet is created "
        "when --email is given, with a random password printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", help="Create the user with this email if it is new.")

    @transaction.atomic
    def handle(self, *args, username: str, email: str | None, **options):
        user = User.objects.filter(username__iexact=username).first()
        password = None
        if user is None:
            if not email:
                raise CommandError(
                    f'There is no user "{username}". To create one, run again with '
                    f"--email ADDRESS (a random password is printed once)."
                )
            if User.objects.filter(email__iexact=email).exists():
                raise CommandError(f'Another user already has the email "{email}".')
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(username=username, email=email, password=password)
        services.moderator_make(user=user)
        self.stdout.write(self.style.SUCCESS(f'"{user.username}" is a moderator now.'))
        if password:
            self.stdout.write(f"Password (shown once, change it after logging in): {password}")
