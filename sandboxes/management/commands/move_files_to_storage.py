from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sandboxes.services.stored_files import stored_files_move, stored_files_unmoved


class Command(BaseCommand):
    help = (
        "Move workspace and produced files' contents, and the files runs were given (in "
        "their snapshots), from the database (where they were kept before STORAGE_URL) into "
        "storage, one row or run per transaction: interrupted, it goes on where it stopped "
        "when run again. Run it once after upgrading."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only print how many rows would move."
        )
        parser.add_argument(
            "--limit", type=int, help="Move at most this many rows and runs now (the rest stay)."
        )

    def handle(self, *args, dry_run: bool, limit: int | None, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        if dry_run:
            left = stored_files_unmoved()
            self.stdout.write(
                f"Would move {left.files} files ({left.bytes:,} bytes) and the files of "
                f"{left.runs} runs to storage."
            )
            return
        moved = stored_files_move(limit=limit)
        left = stored_files_unmoved()
        self.stdout.write(
            f"Moved {moved.files} files and the files of {moved.runs} runs "
            f"({moved.bytes:,} bytes) to storage; {left.files} files and {left.runs} runs left."
        )
