"""Alerts: `manage.py check_alerts`, from cron every minute or so."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from operations.services import alerts_check


class Command(BaseCommand):
    help = (
        "Email users who reached 80% or 100% of a quota, and operators when the error or "
        "timeout rate crosses its threshold (Operator settings). Each crossing mails once, "
        "however often this runs."
    )

    def handle(self, *args, **options):
        report = alerts_check()
        for line in report.quota_emails:
            self.stdout.write(f"Told {line}")
        for line in report.rate_changes:
            self.stdout.write(f"Operators told: {line}")
        if options["verbosity"] > 1 and not (report.quota_emails or report.rate_changes):
            self.stdout.write("Nothing new.")
