from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import user_create
from api.services.tokens import api_token_create
from quotas.models import Quota, Tier
from quotas.services import quota_change_tier


class Command(BaseCommand):
    help = (
        "Create an API token for a user and print it (alone, on the last line: "
        "TOKEN=$(manage.py api_token --user ci | tail -1)). The token is shown only now."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, metavar="NAME", help="The token's owner.")
        parser.add_argument(
            "--create-user",
            action="store_true",
            help="Create the user (with no password: it can use the API, not log in) "
            "if there is none of that name.",
        )
        parser.add_argument(
            "--tier", metavar="TIER", help='Also move the user to this tier, e.g. "pro".'
        )
        parser.add_argument(
            "--name", default="command line", metavar="LABEL", help="The token's name."
        )

    @transaction.atomic
    def handle(self, *args, user: str, create_user: bool, tier: str | None, name: str, **options):
        chosen_tier = self._tier(tier) if tier else None
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            if not create_user:
                raise CommandError(f"No user {user!r}. Add --create-user to create it.")
            try:
                get_user_model().username_validator(user)
            except ValidationError as error:
                raise CommandError(error.messages[0]) from None
            owner = user_create(username=user, email="", password=None)
            self.stdout.write(f"Created user {user}.")
        if chosen_tier is not None:
            quota_change_tier(quotas=Quota.objects.filter(user=owner), tier=chosen_tier)
            self.stdout.write(f"{user} is on the {chosen_tier.name} tier.")
        try:
            issued = api_token_create(user=owner, name=name)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        self.stdout.write(f"API token “{issued.token.name}” for {user} (shown only now):")
        self.stdout.write(issued.secret)

    @staticmethod
    def _tier(name: str) -> Tier:
        tier = Tier.objects.filter(name=name).first()
        if tier is None:
            known = ", ".join(Tier.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f"No tier {name!r}. Tiers: {known}.")
        return tier
