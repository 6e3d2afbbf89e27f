"""What the engine tells whoever watches it: how long sandboxes take to start and package
environments to get ready. Plain callbacks, so the engine needs no metrics library; the
app passes one that records them (operations' metrics, named by its SANDBOX_ENGINE_OBSERVER
setting)."""

from __future__ import annotations

from typing import Literal, Protocol

PackagesOutcome = Literal["hit", "built", "failed"]


class EngineObserver(Protocol):
    def sandbox_started(self, *, runtime: str, isolation: str, seconds: float) -> None:
        """A sandbox is running the program, `seconds` after it was asked for."""

    def packages_prepared(self, *, language: str, outcome: PackagesOutcome, seconds: float) -> None:
        """A run's package environment was found in the cache ("hit"), built, or failed."""


class NullObserver:
    def sandbox_started(self, *, runtime: str, isolation: str, seconds: float) -> None:
        pass

    def packages_prepared(self, *, language: str, outcome: PackagesOutcome, seconds: float) -> None:
        pass
