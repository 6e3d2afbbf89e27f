"""The engine's exceptions."""

from __future__ import annotations


class EngineError(Exception):
    """Base class of everything the engine raises on purpose."""

    def sentence(self) -> str:
        """The message as a sentence for a person: its first letter in upper case, the rest
        as it is (str.capitalize would lower the paths and names in it)."""
        text = str(self)
        return text[:1].upper() + text[1:]


class InvalidSpec(EngineError, ValueError):
    """The run specification is malformed (bad path, bad limit, unknown runtime...)."""


class EngineUnavailable(EngineError):
    """Isolation cannot be guaranteed on this host, so the engine refuses to run code."""


class SandboxFailed(EngineError):
    """The sandbox itself failed to start (not the user's program)."""


class OutputFailed(EngineError):
    """A run's output could not be read or handed on (the output callback raised)."""


class InstallFailed(EngineError):
    """A run's packages could not be installed; `message` says which and why."""

    def __init__(self, message: str, *, seconds: float = 0.0, cancelled: bool = False):
        super().__init__(message)
        self.message = message
        self.seconds = seconds
        self.cancelled = cancelled
