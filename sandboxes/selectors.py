"""Reads for the sandbox pages: a user's sandboxes, their runs, the runtimes on offer, and
what the packages panel shows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.http import Http404

from sandboxes.engine import EngineError, EngineUnavailable, RunSpec
from sandboxes.engine.packages.manifest import Manifest
from sandboxes.engine.packages.specs import mentions, name_of, package_key
from sandboxes.engine.runtimes import LANGUAGE_NAMES, entry_file, language_of
from sandboxes.engine_config import get_engine
from sandboxes.models import Execution, OutputChunk, PackageUsage, Sandbox

# A package name one user typed may be private (an internal package, a project's name):
# it is suggested to other users only once this many different users have run it.
SHARED_AFTER_USERS = 3


@dataclass(frozen=True)
class RuntimeChoice:
    id: str
    label: str


@dataclass(frozen=True)
class RuntimeOffer:
    choices: list[RuntimeChoice]
    problem: str = ""  # why code cannot run on this server right now, if it cannot


def runtime_offer() -> RuntimeOffer:
    """The runtimes a new sandbox may use, each language's default first."""
    engine = get_engine()
    try:
        engine.prepare()
    except EngineUnavailable as error:
        fallback = [RuntimeChoice(id, label) for id, label in LANGUAGE_NAMES.items()]
        return RuntimeOffer(choices=fallback, problem=str(error))
    registry = engine.runtimes
    defaults = set(registry.aliases.values())
    ordered = sorted(
        registry.runtimes.values(),
        key=lambda r: (r.language != "python", r.id not in defaults, r.id),
    )
    return RuntimeOffer(choices=[RuntimeChoice(r.id, r.label) for r in ordered])


def runtime_label(runtime: str) -> str:
    """ "python3.13" -> "Python 3.13", as reported by the interpreter itself."""
    engine = get_engine()
    try:
        engine.prepare()
        return engine.runtimes.get(runtime).label
    except Exception:  # unknown here, or no engine: still say what it is
        language = language_of(runtime)
        suffix = runtime.removeprefix(language)
        return f"{LANGUAGE_NAMES[language]} {suffix}".strip()


def sandbox_list(*, user, sandbox_id: int | None = None) -> list[Sandbox]:
    """The user's sandboxes (or just one), each with its runtime's label, its file count
    and how its last run went."""
    last_run = (
        Execution.objects.filter(sandbox=OuterRef("pk"))
        .exclude(status=Execution.Status.REJECTED)
        .order_by("-created_at")
    )
    sandboxes: QuerySet[Sandbox] = Sandbox.objects.filter(owner=user)
    if sandbox_id is not None:
        sandboxes = sandboxes.filter(pk=sandbox_id)
    rows = list(
        sandboxes.annotate(
            file_count=Count("files", distinct=True),
            last_status=Subquery(last_run.values("status")[:1]),
            last_run_at=Subquery(last_run.values("created_at")[:1]),
        ).order_by("-updated_at")
    )
    for row in rows:
        row.runtime_label = runtime_label(row.runtime)
        if row.last_status:
            last = Execution(status=row.last_status)
            row.last_tone = last.tone
            row.last_status_label = last.get_status_display().capitalize()
    return rows


def sandbox_get(*, user, sandbox_id: int) -> Sandbox:
    """The user's own sandbox; anyone else's is as missing as one that never existed."""
    sandbox = Sandbox.objects.filter(owner=user, pk=sandbox_id).first()
    if sandbox is None:
        raise Http404("No such sandbox.")
    return sandbox


def execution_get(*, user, execution_id) -> Execution:
    execution = Execution.objects.select_related("sandbox").filter(owner=user, pk=execution_id)
    found = execution.first()
    if found is None:
        raise Http404("No such run.")
    return found


ANSI_SEQUENCE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LABEL_LENGTH = 60


LABEL_CHUNKS = 8  # a line printed in pieces (print's arguments one by one) is put together


def _labelled(runs: list[Execution]) -> list[Execution]:
    """Each run with `label`: the first line it printed, else how it ended."""
    first_output: dict = {}
    chunks = OutputChunk.objects.filter(
        execution__in=runs, seq__lte=LABEL_CHUNKS, stream__in=("stdout", "stderr")
    ).order_by("execution_id", "seq")
    for execution_id, data in chunks.values_list("execution_id", "data"):
        first_output[execution_id] = first_output.get(execution_id, "") + data
    for run in runs:
        run.label = run_label(run, first_output.get(run.pk, ""))
    return runs


def run_label(run: Execution, output: str) -> str:
    """The first line it printed (colours dropped, shortened), else how it ended."""
    text = ANSI_SEQUENCE.sub("", output)
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if line:
        return line if len(line) <= LABEL_LENGTH else line[: LABEL_LENGTH - 1] + "…"
    if run.is_active:
        return "no output yet"
    if run.exit_code is not None:
        return f"no output, exit {run.exit_code}"
    return "no output"


def _with_entry(runs: QuerySet[Execution]) -> QuerySet[Execution]:
    return runs.defer("snapshot").annotate(entry_file=KT("snapshot__entry"))


def execution_going(*, user) -> Execution | None:
    """The user's latest run still going (what a refusal for concurrency points to)."""
    runs = Execution.objects.filter(owner=user, status__in=Execution.ACTIVE)
    return runs.defer("snapshot").order_by("-created_at").first()


def shared_execution_get(*, token: str) -> Execution:
    """The run a share link shows; 404 for a revoked or made-up link."""
    found = Execution.objects.filter(share__token=token).first() if token else None
    if found is None:
        raise Http404("No such shared run.")
    return found


def execution_output(*, execution: Execution) -> list[tuple[str, str]]:
    """What it printed, as (stream, text) pieces in order (neighbours of one stream joined,
    colour sequences dropped): for a page that shows a run without its live console."""
    pieces: list[list[str]] = []
    for stream, data in execution.chunks.order_by("seq").values_list("stream", "data"):
        data = ANSI_SEQUENCE.sub("", data)
        if pieces and pieces[-1][0] == stream:
            pieces[-1][1] += data
        else:
            pieces.append([stream, data])
    return [(stream, text) for stream, text in pieces]


def execution_history(*, sandbox: Sandbox, limit: int = 25) -> list[Execution]:
    return _labelled(list(_with_entry(sandbox.executions.order_by("-created_at"))[:limit]))


def execution_list(*, user, source: str = "", limit: int = 100) -> list[Execution]:
    """The user's runs, newest first, all or those started by one source ("api"...)."""
    runs = Execution.objects.filter(owner=user).select_related("sandbox")
    if source:
        runs = runs.filter(source=source)
    return _labelled(list(_with_entry(runs.order_by("-created_at"))[:limit]))


def execution_latest(*, sandbox: Sandbox) -> Execution | None:
    """The run the editor's console shows: one in progress, else the last one."""
    runs = sandbox.executions.defer("snapshot").order_by("-created_at")
    # A refused run (quota, concurrency) never ran: it does not replace the last one.
    runs = runs.exclude(status=Execution.Status.REJECTED)
    return runs.filter(status__in=Execution.ACTIVE).first() or runs.first()


def execution_last_finished(*, sandbox: Sandbox) -> Execution | None:
    finished = sandbox.executions.exclude(status__in=Execution.ACTIVE).exclude(wall_ms=None)
    finished = finished.exclude(status=Execution.Status.REJECTED)
    return finished.defer("snapshot").order_by("-created_at").first()


def popular_packages(language: str, limit: int = 8) -> list[str]:
    """The package names runs of `language` ("python" | "node") ask for most, most used
    first (the seeded popular list breaks ties, so it leads before anyone has run)."""
    usage = PackageUsage.objects.filter(language=language).order_by(
        "-count", F("rank").asc(nulls_last=True), "name"
    )
    return list(usage.values_list("name", flat=True)[:limit])


def package_suggestions(*, sandbox: Sandbox, query: str = "", limit: int = 8) -> list[PackageUsage]:
    """Package names for the sandbox's language that this server knows and the sandbox
    does not list yet: all of them most used first, or those containing `query`, names
    starting with it first.

    Known to the sandbox's owner: the seeded popular list, names the owner's own runs
    asked for, and names at least SHARED_AFTER_USERS different users' runs asked for.
    Never a name only someone else typed (it may be a private package's)."""
    language = sandbox.language
    listed = {package_key(language, spec) for spec in sandbox.packages}
    askers = PackageUsage.users.through.objects.filter(packageusage=OuterRef("pk"))
    users = askers.values("packageusage").annotate(n=Count("user")).values("n")
    usage = (
        PackageUsage.objects.filter(language=language)
        .exclude(name__in=listed)
        .annotate(users_count=Subquery(users), own=Exists(askers.filter(user=sandbox.owner_id)))
        .filter(Q(rank__isnull=False) | Q(own=True) | Q(users_count__gte=SHARED_AFTER_USERS))
    )
    usage = usage.order_by("-count", F("rank").asc(nulls_last=True), "name")
    query = query.strip()
    if not query:
        return list(usage[:limit])
    prefix = list(usage.filter(name__istartswith=query)[:limit])
    if len(prefix) == limit:
        return prefix
    others = usage.filter(name__icontains=query).exclude(name__istartswith=query)
    return prefix + list(others[: limit - len(prefix)])


@dataclass(frozen=True)
class ListedPackage:
    spec: str  # as listed: "pandas[excel]==2.2.*", "lodash@4"
    name: str  # "pandas", "lodash", "@scope/name"
    constraint: str  # "[excel]==2.2.*", "@4", "" (any version)
    version: str = ""  # what the built environment resolved it to, when it is built


@dataclass(frozen=True)
class InstallFailure:
    """The sandbox's last run ended `install_failed`."""

    execution: Execution
    summary: str  # "Could not install the packages (...) for Python 3.13: ..."
    details: str  # the installer's own words
    suspects: list[str]  # listed package names the installer's words mention
    changed_since: bool  # the sandbox's list is not the one that run asked for


@dataclass(frozen=True)
class PackagesState:
    """What the packages panel shows of a sandbox.

    `environment`: "none" (no packages), "ready" (built and cached: runs start at once),
    "pending" (installed when the next run prepares), "installing" (a run is preparing
    now), "failed" (the last run could not install this same list), or "unknown" (the
    engine cannot say: no sandboxes on this server).
    """

    language: str
    runtime_label: str
    packages: list[ListedPackage]
    environment: str
    dependencies: list[str] = field(default_factory=list)  # resolved, not listed ("idna==3.10")
    built_at: datetime | None = None
    size: int | None = None
    failure: InstallFailure | None = None


def _built_environment(sandbox: Sandbox) -> Manifest | None:
    """The manifest of the environment the sandbox's next run would mount, if it is built;
    EngineError when the engine cannot say."""
    entry = sandbox.entry_file or entry_file(sandbox.runtime)
    spec = RunSpec(
        runtime=sandbox.runtime, files={entry: b""}, entry=entry, packages=tuple(sandbox.packages)
    )
    return get_engine().packages_built(spec)


def _install_failure(sandbox: Sandbox, latest: Execution) -> InstallFailure:
    summary, _, details = latest.error.strip().partition("\n")
    language = sandbox.language
    asked = latest.packages
    # The summary lists every package asked for; the installer's words name the culprit.
    suspects = [
        name
        for name in dict.fromkeys(name_of(language, spec) for spec in asked)
        if mentions(language, name, details)
    ]
    return InstallFailure(
        execution=latest,
        summary=summary or "The packages could not be installed.",
        details=details.strip(),
        suspects=suspects,
        changed_since=sorted(asked) != sorted(sandbox.packages),
    )


def packages_state(*, sandbox: Sandbox) -> PackagesState:
    language = sandbox.language
    latest = sandbox.executions.order_by("-created_at").first()
    failure = None
    if latest is not None and latest.status == Execution.Status.INSTALL_FAILED:
        failure = _install_failure(sandbox, latest)
    listed = []
    for spec in sandbox.packages:
        name = name_of(language, spec)
        listed.append(ListedPackage(spec=spec, name=name, constraint=spec[len(name) :]))
    state = {"language": language, "runtime_label": runtime_label(sandbox.runtime)}
    if not listed:
        return PackagesState(**state, packages=[], environment="none", failure=failure)
    if latest is not None and latest.status == Execution.Status.PREPARING:
        return PackagesState(**state, packages=listed, environment="installing", failure=failure)
    try:
        manifest = _built_environment(sandbox)
    except (EngineError, LookupError, OSError):  # no engine here: say nothing of a cache
        return PackagesState(**state, packages=listed, environment="unknown", failure=failure)
    if manifest is None:
        environment = "failed" if failure and not failure.changed_since else "pending"
        return PackagesState(**state, packages=listed, environment=environment, failure=failure)
    versions = dict(manifest.versions)
    packages = [
        ListedPackage(**{**p.__dict__, "version": versions.pop(package_key(language, p.spec), "")})
        for p in listed
    ]
    return PackagesState(
        **state,
        packages=packages,
        environment="ready",
        dependencies=[f"{name} {version}" for name, version in sorted(versions.items())],
        built_at=manifest.built_at,
        size=manifest.size,
        failure=failure,
    )
