"""Run executions on this host: `manage.py sandbox_worker --concurrency 8`."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from sandboxes.runs.dispatch.worker import worker_run
from sandboxes.runs.processes import process_name


class Command(BaseCommand):
    help = (
        "Take executions from the shared PostgreSQL queue and run them in sandboxes on this "
        "host, until SIGTERM or Ctrl+C (SANDBOX_DISPATCHER=distributed; see "
        "docs/deployment.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--concurrency",
            type=int,
            default=settings.SANDBOX_WORKER_CONCURRENCY,
            help="Runs at once in this process (default: SANDBOX_WORKER_CONCURRENCY, "
            f"{settings.SANDBOX_WORKER_CONCURRENCY}).",
        )
        parser.add_argument(
            "--name",
            default=None,
            help="The name shown on each execution this worker runs (default: host:pid).",
        )
        parser.add_argument(
            "--shutdown-timeout",
            type=float,
            default=settings.SANDBOX_WORKER_SHUTDOWN_SECONDS,
            metavar="SECONDS",
            help="On SIGTERM, how long runs in flight may take to finish before they are "
            "stopped and marked lost (default: SANDBOX_WORKER_SHUTDOWN_SECONDS, "
            f"{settings.SANDBOX_WORKER_SHUTDOWN_SECONDS:g}).",
        )

        parser.add_argument(
            "--metrics-port",
            type=int,
            default=None,
            metavar="PORT",
            help="Serve this worker's Prometheus metrics on http://ADDRESS:PORT/metrics "
            "(default: not served; docs/operations.md).",
        )
        parser.add_argument(
            "--metrics-address",
            default="127.0.0.1",
            metavar="ADDRESS",
            help="The address the metrics are served on (default: 127.0.0.1, loopback).",
        )

    def handle(self, *args, **options):
        if settings.SANDBOX_DISPATCHER != "distributed":
            raise CommandError(
                "SANDBOX_DISPATCHER is not 'distributed': runs execute inside the web server "
                "and no worker would ever receive one."
            )
        if options["concurrency"] < 1:
            raise CommandError("--concurrency must be at least 1.")
        if options["shutdown_timeout"] < 0:
            raise CommandError("--shutdown-timeout cannot be negative.")
        if options["metrics_port"] is not None:
            serve = import_string(settings.SANDBOX_WORKER_METRICS_SERVER)
            serve(options["metrics_port"], addr=options["metrics_address"])
        worker_run(
            name=options["name"] or process_name(),
            concurrency=options["concurrency"],
            shutdown_seconds=options["shutdown_timeout"],
        )
