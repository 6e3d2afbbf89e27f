"""Create the demo user and operator account of a fresh install, and print their logins."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.services import demo_users_ensure


class Command(BaseCommand):
    help = (
        "Create a 'demo' user and an 'admin' operator with random passwords (once; kept in "
        "DATA_DIR/demo-credentials.json) and print how to log in."
    )

    def handle(self, *args, **options):
        logins = demo_users_ensure(credentials_file=settings.DATA_DIR / "demo-credentials.json")
        for username, password in logins.items():
            self.stdout.write(f"{username:<6} password: {password}")
