"""Shrink the package cache: `manage.py prune_package_cache --max-size 2G`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from quotas.formatting import format_bytes
from sandboxes.engine.packages.store import Store, parse_size
from sandboxes.engine_config import engine_config


class Command(BaseCommand):
    help = (
        "Remove least-recently-used package environments until the package cache fits its "
        "size cap (environments in use are kept); prints what was removed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-size",
            metavar="SIZE",
            help="The cap, such as 500M or 2G (default: SANDBOX_PACKAGES_MAX_MB).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be removed; remove nothing."
        )

    def handle(self, *args, **options):
        config = engine_config()
        if options["max_size"] is None:
            max_bytes = config.packages_max_bytes
        else:
            try:
                max_bytes = parse_size(options["max_size"])
            except ValueError as error:
                raise CommandError(f"--max-size: {error}") from None
        report = Store(config.packages_root).prune(max_bytes, dry_run=options["dry_run"])
        verb = "Would remove" if report.dry_run else "Removed"
        for entry in report.removed:
            size = format_bytes(entry.size, tenths=True)
            self.stdout.write(f"{verb} {entry.key[:12]}  {size:>10}  {entry.description}")
        for entry in report.busy:
            self.stdout.write(f"Kept (in use) {entry.key[:12]}  {entry.description}")
        clear = "Would clear" if report.dry_run else "Cleared"
        for cache in report.caches_cleared:
            self.stdout.write(f"{clear} the download cache {cache}")
        freed, kept, cap = (
            format_bytes(count, tenths=True)
            for count in (report.freed_bytes, report.kept_bytes, max_bytes)
        )
        self.stdout.write(
            f"{verb} {len(report.removed)} environment(s), {freed}; "
            f"{len(report.kept) + len(report.busy)} kept, {kept} (cap {cap})."
        )
