"""Start-up check: code never runs without isolation, and the operator learns why."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Error, Info, Warning, register

from config.storage_url import FILESYSTEM
from sandboxes.engine import EngineUnavailable
from sandboxes.engine_config import get_engine


@register("sandboxes")
def check_sandbox_engine(app_configs, **kwargs):
    engine = get_engine()
    try:
        engine.prepare()
    except EngineUnavailable as error:
        # A warning, not an error: the rest of the app (accounts, admin, commands) keeps
        # working, while every run is refused by the engine until this is fixed.
        return [
            Warning(
                f"Sandboxes are unavailable, so every run will be refused: {error}",
                hint="`scripts/install` installs what a sandbox needs; the message above says "
                "what else to change.",
                id="sandboxes.W001",
            )
        ]
    warnings = [
        Warning(f"Runtime skipped: {problem}", id="sandboxes.W002")
        for problem in engine.runtimes.problems
    ]
    if engine.gvisor is not None and (platform := engine.gvisor.platform) is not None:
        warnings.append(
            Info(
                f"gVisor runs use the {platform.name} platform: {platform.reason}.",
                id="sandboxes.I001",
            )
        )
    try:
        engine.packages.installer.network.check("package installs are refused")
    except EngineUnavailable as error:
        # Runs without packages are unaffected; runs with uncached packages are refused.
        warnings.append(
            Warning(
                error.sentence(),
                hint="`scripts/install` installs slirp4netns and nftables.",
                id="sandboxes.W003",
            )
        )
    try:
        engine.network_tools.check("runs with network (internet or an allow-list) are refused")
    except EngineUnavailable as error:
        # Runs with network `none` are unaffected.
        warnings.append(
            Warning(
                error.sentence(),
                hint="`scripts/install` installs slirp4netns and nftables.",
                id="sandboxes.W004",
            )
        )
    return warnings


# Once read from the environment; each tier's now (the admin), and what became of them.
RUN_LIMITS = "a run's vCPUs, memory, disk, processes and output are its tier's"
RATE_LIMIT = "the API's rate limit is each tier's"
RETIRED_LIMIT_VARIABLES = {
    "SANDBOX_MEMORY_MB": RUN_LIMITS,
    "SANDBOX_DISK_MB": RUN_LIMITS,
    "SANDBOX_MAX_PROCESSES": RUN_LIMITS,
    "SANDBOX_OUTPUT_KB": RUN_LIMITS,
    "SANDBOX_CPUS": RUN_LIMITS,
    "API_RATE_LIMIT": RATE_LIMIT,
    "API_RATE_LIMIT_WINDOW": RATE_LIMIT,
}


@register("sandboxes")
def check_retired_limit_variables(app_configs, **kwargs):
    """A variable that is no longer read must not look as if it still limited runs."""
    return [
        Warning(
            f"{name} is set but no longer read: {instead}.",
            hint="Set them per tier in the admin (Quotas > Tiers), then remove the variable.",
            id="sandboxes.W007",
        )
        for name, instead in RETIRED_LIMIT_VARIABLES.items()
        if name in os.environ
    ]


@register("sandboxes")
def check_dispatcher(app_configs, **kwargs):
    return dispatcher_problems(
        dispatcher=settings.SANDBOX_DISPATCHER,
        database_engine=settings.DATABASES["default"]["ENGINE"],
        channel_layer=settings.CHANNEL_LAYERS["default"]["BACKEND"],
        heartbeat=settings.SANDBOX_WORKER_HEARTBEAT_SECONDS,
        stall=settings.SANDBOX_WORKER_STALL_SECONDS,
        secret_key=settings.SECRET_KEY,
    )


def dispatcher_problems(
    *,
    dispatcher: str,
    database_engine: str,
    channel_layer: str,
    heartbeat: float,
    stall: float,
    secret_key: str = "",
) -> list:
    """The distributed dispatcher's queue is PostgreSQL, and its live output crosses hosts
    through Redis: refuse to start without them rather than lose runs quietly."""
    if dispatcher not in ("inline", "distributed"):
        return [
            Error(
                f"SANDBOX_DISPATCHER is {dispatcher!r}.",
                hint='Set it to "inline" (runs in the web server) or "distributed".',
                id="sandboxes.E001",
            )
        ]
    if dispatcher != "distributed":
        return []
    problems = []
    if database_engine != "django.db.backends.postgresql":
        problems.append(
            Error(
                "The distributed dispatcher keeps its job queue in PostgreSQL, and the "
                "database is not PostgreSQL.",
                hint="Set DATABASE_URL=postgres://... (shared by every web and worker node), "
                "or SANDBOX_DISPATCHER=inline.",
                id="sandboxes.E002",
            )
        )
    if stall < 3 * heartbeat:
        problems.append(
            Warning(
                f"SANDBOX_WORKER_STALL_SECONDS ({stall:g}) is under three heartbeats "
                f"({heartbeat:g} s each): a worker that is only slow could have its runs "
                "marked lost.",
                hint="Keep the stall window several heartbeats long (defaults: 60 and 10).",
                id="sandboxes.W004",
            )
        )
    if "channels_redis" not in channel_layer:
        problems.append(
            Error(
                "The distributed dispatcher needs the Redis channel layer: without it, output "
                "of runs on worker processes never reaches browsers or API clients.",
                hint="Set REDIS_URL=redis://... (shared by every web and worker node).",
                id="sandboxes.E003",
            )
        )
    if secret_key.startswith("django-insecure"):
        problems.append(
            Warning(
                "SECRET_KEY is the built-in development key: it seals the runs' variable "
                "values in the job queue, and anyone who reads the source can open them.",
                hint="Set the same random SECRET_KEY on every web and worker node.",
                id="sandboxes.W005",
            )
        )
    return problems


@register("sandboxes")
def check_shared_storage(app_configs, **kwargs):
    """Distributed workers write what runs produce, and web nodes serve it: with the
    default folder under DATA_DIR, each host would hold its own contents."""
    blobs = settings.STORAGES["blobs"]
    default_folder = str(settings.DATA_DIR / "blobs")
    if settings.SANDBOX_DISPATCHER != "distributed" or blobs["BACKEND"] != FILESYSTEM:
        return []
    if blobs.get("OPTIONS", {}).get("location") != default_folder:
        return []  # a folder the operator chose (a shared mount, say)
    return [
        Warning(
            f"File contents are kept in {default_folder}, a folder of this host, while runs "
            "execute on worker processes that may be on other hosts.",
            hint="Set STORAGE_URL=s3://... (one bucket every web and worker node shares), or "
            "file:///path to a folder every host mounts; see docs/deployment.md.",
            id="sandboxes.W006",
        )
    ]
