from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from quotas.models import Tier
from quotas.selectors import quota_list
from quotas.services import quota_reset


class Command(BaseCommand):
    help = (
        "Start a new quota period. With no option, resets every quota whose 30-day period "
        "has ended (safe to run from cron); --all, --user and --tier reset the chosen quotas "
        "now, whatever their period (--user and --tier together select their intersection)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            dest="reset_all",
            help="Reset every quota, ended period or not.",
        )
        parser.add_argument(
            "--user",
            action="append",
            default=[],
            dest="usernames",
            metavar="USERNAME",
            help="Reset this user's quota. Repeat for several users.",
        )
        parser.add_argument(
            "--tier",
            dest="tier_name",
            metavar="NAME",
            help='Reset the quota of every user on this tier, e.g. "free".',
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only print how many quotas would be reset.",
        )

    def handle(self, *args, reset_all, usernames, tier_name, dry_run, **options):
        if reset_all and (usernames or tier_name):
            raise CommandError("--all resets every quota; leave out --user and --tier.")
        self.check_names_exist(usernames, tier_name)

        chosen = reset_all or bool(usernames) or bool(tier_name)
        quotas = quota_list(usernames=usernames, tier_name=tier_name, period_over=not chosen)
        if dry_run:
            count = quotas.count()
            self.stdout.write(f"Would reset {count} quota{'' if count == 1 else 's'}.")
            return
        count = quota_reset(quotas=quotas)
        self.stdout.write(f"Reset {count} quota{'' if count == 1 else 's'}.")

    def check_names_exist(self, usernames: list[str], tier_name: str | None) -> None:
        known = get_user_model().objects.filter(username__in=usernames)
        unknown = sorted(set(usernames) - set(known.values_list("username", flat=True)))
        if unknown:
            raise CommandError(f"No such user: {', '.join(unknown)}.")
        if tier_name and not Tier.objects.filter(name=tier_name).exists():
            tiers = ", ".join(Tier.objects.values_list("name", flat=True))
            raise CommandError(f'No tier named "{tier_name}". Tiers: {tiers}.')
