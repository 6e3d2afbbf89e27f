"""What the compatible APIs offer: the engine's runtimes, as each of their languages."""

from __future__ import annotations

from dataclasses import dataclass

from sandboxes.engine import EngineUnavailable
from sandboxes.engine.runtimes import ENTRY_FILES, Runtime
from sandboxes.engine_config import get_engine


@dataclass(frozen=True)
class Language:
    """One language on one runtime: Python, JavaScript or TypeScript (run by Node.js)."""

    name: str  # "python" | "javascript" | "typescript"
    runtime: Runtime

    @property
    def entry(self) -> str:
        """The entry file's name when the caller gives none."""
        if self.name == "typescript":
            return "index.ts"
        return ENTRY_FILES[self.runtime.language]


def languages_available() -> list[Language]:
    """Every language the engine runs now, newest runtime first within a language;
    empty when the engine is unavailable (runs are then refused with the reason)."""
    engine = get_engine()
    try:
        engine.prepare()
    except EngineUnavailable:
        return []
    runtimes = sorted(
        engine.runtimes.runtimes.values(),
        key=lambda runtime: tuple(int(part) for part in runtime.version.split(".")),
        reverse=True,
    )
    languages = []
    for runtime in runtimes:
        if runtime.language == "python":
            languages.append(Language("python", runtime))
        else:
            languages.append(Language("javascript", runtime))
            # TypeScript runs on a Node.js that strips types itself (an older one would
            # install tsx first, which needs the package registry).
            if runtime.strips_types:
                languages.append(Language("typescript", runtime))
    return languages
