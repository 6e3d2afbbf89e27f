"""Reads for the sandbox pages: a user's sandboxes, their runs, the runtimes on offer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.http import Http404

from sandboxes.engine import EngineUnavailable
from sandboxes.engine_config import get_engine
from sandboxes.models import Execution, PackageUsage, Sandbox

FALLBACK_LABELS = {"python": "Python", "node": "Node.js"}


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
        fallback = [RuntimeChoice(id, label) for id, label in FALLBACK_LABELS.items()]
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
        language = "node" if runtime.startswith("node") else "python"
        suffix = runtime.removeprefix(language)
        return f"{FALLBACK_LABELS[language]} {suffix}".strip()


def sandbox_list(*, user, sandbox_id: int | None = None) -> list[Sandbox]:
    """The user's sandboxes (or just one), each with its runtime's label, its file count
    and how its last run went."""
    last_run = Execution.objects.filter(sandbox=OuterRef("pk")).order_by("-created_at")
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


def execution_history(*, sandbox: Sandbox, limit: int = 25) -> list[Execution]:
    return list(sandbox.executions.defer("snapshot").order_by("-created_at")[:limit])


def execution_latest(*, sandbox: Sandbox) -> Execution | None:
    """The run the editor's console shows: one in progress, else the last one."""
    runs = sandbox.executions.defer("snapshot").order_by("-created_at")
    return runs.filter(status__in=Execution.ACTIVE).first() or runs.first()


def execution_last_finished(*, sandbox: Sandbox) -> Execution | None:
    finished = sandbox.executions.exclude(status__in=Execution.ACTIVE).exclude(wall_ms=None)
    return finished.defer("snapshot").order_by("-created_at").first()


def popular_packages(language: str, limit: int = 8) -> list[str]:
    """The package names runs of `language` ("python" | "node") ask for most, most used
    first (the seeded popular list breaks ties, so it leads before anyone has run)."""
    usage = PackageUsage.objects.filter(language=language).order_by(
        "-count", F("rank").asc(nulls_last=True), "name"
    )
    return list(usage.values_list("name", flat=True)[:limit])
