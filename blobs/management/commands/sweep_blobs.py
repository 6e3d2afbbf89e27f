from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from blobs.sweep import blobs_sweep


class Command(BaseCommand):
    help = (
        "Remove stored file contents no row points at (left by a crash between the two "
        "writes) and report rows whose content is missing. Exits 1 when some are missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=60,
            help="leave contents and rows younger than this alone: a write may be under way "
            "(default 60)",
        )
        parser.add_argument("--dry-run", action="store_true", help="report only, delete nothing")

    def handle(self, *args, grace_minutes: int, dry_run: bool, **options):
        if grace_minutes < 0:
            raise CommandError("--grace-minutes must be 0 or more.")
        sweep = blobs_sweep(grace=timedelta(minutes=grace_minutes), dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(
            f"{verb} {len(sweep.orphaned)} orphaned contents and "
            f"{len(sweep.unreferenced)} unreferenced blobs; "
            f"{len(sweep.dangling)} blobs missing their content"
        )
        for line in sweep.dangling_files:
            self.stdout.write(f"missing content: {line}")
        if sweep.dangling:
            raise CommandError(
                f"{len(sweep.dangling)} blobs have no content ({len(sweep.dangling_files)} "
                "files cannot be read): restore them from a backup of the storage."
            )
