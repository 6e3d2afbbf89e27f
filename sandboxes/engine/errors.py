"""The engine's exceptions."""

from __future__ import annotations


class EngineError(Exception):
    """Base class of everything the engine raises on purpose."""


class InvalidSpec(EngineError, ValueError):
    """The run specification is malformed (bad path, bad limit, unknown runtime...)."""


class EngineUnavailable(EngineError):
    """Isolation cannot be guaranteed on this host, so the engine refuses to run code."""


class SandboxFailed(EngineError):
    """The sandbox itself failed to start (not the user's program)."""
