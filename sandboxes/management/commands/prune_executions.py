from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sandboxes.services.retention import (
    executions_prunable,
    executions_prune,
    executions_prune_count,
)


class Command(BaseCommand):
    help = (
        "Delete runs (with their output and produced files) older than their owner's tier "
        "keeps them (Tier.retention_days), keeping their usage in the dashboard's daily "
        "totals. Safe to run from cron, e.g. daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="DAYS",
            dest="older_than",
            help="Prune every ended run older than DAYS days, whatever its owner's tier.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only print what would be deleted."
        )

    def handle(self, *args, older_than, dry_run, **options):
        if older_than is not None and older_than < 1:
            raise CommandError("--older-than must be at least 1 day.")
        executions = executions_prunable(older_than_days=older_than)
        if dry_run:
            counts = executions_prune_count(executions=executions)
            verb = "Would delete"
        else:
            counts = executions_prune(executions=executions)
            verb = "Deleted"
        self.stdout.write(
            f"{verb} {counts.executions} run{'' if counts.executions == 1 else 's'} "
            f"({counts.output_chunks} output chunks, {counts.files} files)."
        )
