"""The interpreters user programs run on, discovered once at start-up.

Each configured interpreter is asked for its version (never assumed), and must be
readable by the unprivileged sandbox user: an interpreter under a root-only folder
such as /root/.pyenv cannot be mounted into a sandbox.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InvalidSpec

LANGUAGES = ("python", "node")
# How a language reads in a runtime's label ("Python 3.13", "Node.js 22").
LANGUAGE_NAMES = {"python": "Python", "node": "Node.js"}
# The file a program's code goes in when it names none: a new sandbox's, the API's `code`,
# the compatible APIs' and run_sandbox's from stdin (the starters use them too).
ENTRY_FILES = {"python": "main.py", "node": "index.js"}
SYSTEM_PREFIXES = (Path("/usr"),)
TYPESCRIPT_SUFFIXES = (".ts", ".mts", ".cts")
# TypeScript on a Node.js without type stripping: tsx, installed as a package environment.
TSX = "tsx@4"
# Node.js runs TypeScript itself from 22.7 (types stripped; enums and namespaces
# transformed); the feature's warning would land in every run's stderr.
NODE_TYPESCRIPT_FLAGS = ("--experimental-transform-types", "--disable-warning=ExperimentalWarning")


def language_of(runtime: str) -> str:
    """ "python3.13" -> "python", "node22" -> "node": the language of a runtime id or alias,
    known without asking the engine (a past run's runtime may no longer be installed)."""
    for language in LANGUAGES:
        if runtime.startswith(language):
            return language
    raise InvalidSpec(f"unknown runtime {runtime!r} (languages: {', '.join(sorted(LANGUAGES))})")


def entry_file(runtime: str) -> str:
    """The entry file of a runtime's program when it names none: "main.py", "index.js"."""
    return ENTRY_FILES[language_of(runtime)]


@dataclass(frozen=True)
class Runtime:
    id: str  # "python3.13", "node22"
    language: str  # "python" | "node"
    version: str  # "3.13.0", "22.23.5": what the interpreter itself reports
    executable: Path
    root: Path  # the folder mounted read-only into the sandbox

    @property
    def label(self) -> str:
        name = LANGUAGE_NAMES[self.language]
        return (
            f"{name} {'.'.join(self.version.split('.')[: 2 if self.language == 'python' else 1])}"
        )

    @property
    def needs_mount(self) -> bool:
        return not any(self.root.is_relative_to(prefix) for prefix in SYSTEM_PREFIXES)

    @property
    def strips_types(self) -> bool:
        if self.language != "node":
            return False
        major, minor, _patch = (int(part) for part in self.version.split("."))
        return (major, minor) >= (22, 7)

    def command(self, entry: str, argv: Iterable[str]) -> list[str]:
        if self.language == "python":
            return [str(self.executable), "-u", entry, *argv]
        if entry.endswith(TYPESCRIPT_SUFFIXES):
            flags = NODE_TYPESCRIPT_FLAGS if self.strips_types else ("--import", "tsx")
            return [str(self.executable), *flags, entry, *argv]
        return [str(self.executable), entry, *argv]

    def implicit_packages(self, entry: str) -> tuple[str, ...]:
        """Packages a run needs whatever it asked for: tsx for TypeScript on an old Node."""
        if entry.endswith(TYPESCRIPT_SUFFIXES) and self.language == "node":
            return () if self.strips_types else (TSX,)
        return ()

    def environment(self) -> dict[str, str]:
        if self.language == "python":
            # Unbuffered output; no __pycache__ folders appearing among the run's files.
            return {"PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        return {}


@dataclass
class RuntimeRegistry:
    runtimes: dict[str, Runtime] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # "python" -> "python3.13"
    problems: list[str] = field(default_factory=list)  # configured but unusable

    def get(self, name: str) -> Runtime:
        runtime_id = self.aliases.get(name, name)
        if runtime_id not in self.runtimes:
            known = ", ".join(sorted([*self.aliases, *self.runtimes])) or "none"
            raise InvalidSpec(f"unknown runtime {name!r} (available: {known})")
        return self.runtimes[runtime_id]

    def default_for(self, language: str) -> Runtime | None:
        runtime_id = self.aliases.get(language)
        return self.runtimes.get(runtime_id) if runtime_id else None


def _probe_version(executable: Path, language: str) -> str:
    output = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, timeout=10, env={}
    )
    text = (output.stdout + output.stderr).strip()
    match = re.search(r"(\d+\.\d+\.\d+)", text)
    if output.returncode != 0 or match is None:
        raise ValueError(f"'{executable} --version' failed: {text or output.returncode}")
    return match.group(1)


def _root_of(executable: Path) -> Path:
    """The interpreter's installation folder: <root>/bin/<interpreter>."""
    return executable.parent.parent


def unreachable_part(path: Path, uid: int, gid: int) -> Path | None:
    """The first folder or file on `path` that uid/gid cannot traverse or read, if any."""
    current = Path("/")
    for part in path.parts[1:]:
        current = current / part
        info = os.stat(current)
        wanted = stat.S_IXOTH if stat.S_ISDIR(info.st_mode) else stat.S_IROTH
        if info.st_uid == uid:
            wanted <<= 6
        elif info.st_gid == gid:
            wanted <<= 3
        if not info.st_mode & wanted:
            return current
    return None


def discover_runtimes(
    *, python: Iterable[str], node: Iterable[str], uid: int, gid: int
) -> RuntimeRegistry:
    """Probe every configured interpreter; the first usable one of a language is its default."""
    registry = RuntimeRegistry()
    for language, paths in (("python", python), ("node", node)):
        for configured in paths:
            executable = Path(configured)
            if not executable.is_file():
                registry.problems.append(f"{language} interpreter {executable} does not exist")
                continue
            blocked = unreachable_part(executable.resolve(), uid, gid)
            if blocked is not None:
                registry.problems.append(
                    f"{language} interpreter {executable} is not readable by the sandbox user "
                    f"(uid {uid}): {blocked} is closed to it. Copy the runtime to a folder "
                    f"such as /opt/codesandboxes/runtimes, as `scripts/install` does."
                )
                continue
            try:
                version = _probe_version(executable, language)
            except (OSError, ValueError, subprocess.TimeoutExpired) as error:
                registry.problems.append(f"{language} interpreter {executable}: {error}")
                continue
            major, minor, _ = version.split(".")
            runtime_id = f"python{major}.{minor}" if language == "python" else f"node{major}"
            if runtime_id in registry.runtimes:
                continue
            registry.runtimes[runtime_id] = Runtime(
                id=runtime_id,
                language=language,
                version=version,
                executable=executable,
                root=_root_of(executable.resolve()),
            )
            registry.aliases.setdefault(language, runtime_id)
    return registry
