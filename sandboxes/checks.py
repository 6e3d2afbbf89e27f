"""Start-up check: code never runs without isolation, and the operator learns why."""

from __future__ import annotations

from django.core.checks import Warning, register

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
                hint="`scripts/setup` installs everything a sandbox needs.",
                id="sandboxes.W001",
            )
        ]
    warnings = [
        Warning(f"Runtime skipped: {problem}", id="sandboxes.W002")
        for problem in engine.runtimes.problems
    ]
    try:
        engine.packages.installer.network.check()
    except EngineUnavailable as error:
        # Runs without packages are unaffected; runs with uncached packages are refused.
        warnings.append(
            Warning(
                str(error).capitalize(),
                hint="`scripts/install` installs slirp4netns and nftables.",
                id="sandboxes.W003",
            )
        )
    return warnings
