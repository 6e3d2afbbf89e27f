"""Package specs as users write them (`pandas==2.*`, `zod@3`), checked and normalised.

Checked before anything runs: a spec is a registry package name with an optional version
constraint (and extras for Python), nothing else. URLs, git references, local paths,
installer options and shell characters are refused with a message naming the spec. The
installers never see a shell, but a spec is also part of an environment's key and is shown
back to users, so it is kept to what it claims to be.

The normal form (canonical names, sorted, de-duplicated) makes `Pandas`, `pandas` and
`pandas ` one environment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from ..errors import InvalidSpec

MAX_PACKAGES = 50
MAX_SPEC_LENGTH = 200

# Everything a PEP 508 name, extras and version specifiers need; no ";" (markers), "@"
# (URLs), quotes, "$", "|", "&", "`", "/" or "\".
PYTHON_CHARACTERS = re.compile(r"^[A-Za-z0-9._\-\[\],<>=!~* ]+$")
# npm: an optional @scope/, then a name; names never start with "." or "_" (nor "-", which
# would read as an option). Old packages may have capitals (JSONStream): names are kept.
NODE_NAME = re.compile(r"^(@[a-z0-9][a-z0-9._~-]*/)?[A-Za-z0-9][A-Za-z0-9._~-]*$")
# A semver range (^1.2, ~3, >=1 <2, 1.x || 2.x) or a dist-tag (latest, next, beta).
NODE_RANGE = re.compile(r"^[A-Za-z0-9.+\-^~<>=*| ]+$")
ANY_VERSION = {"", "latest", "*"}
# Never part of a package spec ("|" is, in npm ranges: 1.x || 2.x).
SHELL_CHARACTERS = set(";&$`'\"(){}\n\r\t\0")


def normalise(language: str, specs: Iterable[str]) -> tuple[str, ...]:
    """The specs in normal form, sorted and de-duplicated; raises InvalidSpec naming a bad one."""
    specs = list(specs)
    if len(specs) > MAX_PACKAGES:
        raise InvalidSpec(f"packages: at most {MAX_PACKAGES} packages per run")
    if language == "python":
        return _normalise_python(specs)
    if language == "node":
        return _normalise_node(specs)
    raise InvalidSpec(f"packages: unknown language {language!r}")


def name_of(language: str, spec: str) -> str:
    """The package name of a normalised spec: "pandas[excel]>=2" -> "pandas"."""
    if language == "python":
        return re.split(r"[\[<>=!~ ]", spec, maxsplit=1)[0]
    name, _version = _split_node(spec)
    return name


def package_key(language: str, spec: str) -> str:
    """What makes two specs one package: "Pandas[excel]>=2" and "pandas" -> "pandas"."""
    name = name_of(language, spec)
    return canonicalize_name(name) if language == "python" else name


def mentions(language: str, name: str, text: str) -> bool:
    """Whether `text` (an installer's words) names the package `name`."""
    if language == "python":  # uv may write a name with "_" or "." for "-", in any case
        pattern = "[-_.]".join(re.escape(part) for part in canonicalize_name(name).split("-"))
        return re.search(rf"(?<![\w.-]){pattern}(?![\w-])", text, re.IGNORECASE) is not None
    return re.search(rf"(?<![\w.@/-]){re.escape(name)}(?![\w/-])", text) is not None


def _refuse(spec: str, why: str) -> InvalidSpec:
    return InvalidSpec(f"package {spec!r}: {why}")


def _common_checks(spec: object) -> str:
    if not isinstance(spec, str):
        raise InvalidSpec(f"package {spec!r}: a package spec must be text")
    text = spec.strip()
    if not text:
        raise InvalidSpec("package '': the package name is empty")
    if len(text) > MAX_SPEC_LENGTH:
        raise _refuse(text[:40] + "...", f"longer than {MAX_SPEC_LENGTH} characters")
    if text.startswith("-"):
        raise _refuse(text, "installer options are not allowed, only package names")
    if SHELL_CHARACTERS & set(text):
        raise _refuse(text, "shell characters such as ; & $ ` and quotes are not allowed")
    if "://" in text or text.startswith(("git+", "git@", "github:", "file:", "http:", "https:")):
        raise _refuse(text, "URLs and git references are not allowed, only registry packages")
    if text.startswith((".", "/", "~", "\\")) or "\\" in text:
        raise _refuse(text, "local paths are not allowed, only registry packages")
    return text


def _normalise_python(specs: list[str]) -> tuple[str, ...]:
    merged: dict[str, tuple[set[str], SpecifierSet]] = {}
    for spec in specs:
        text = _common_checks(spec)
        if "@" in text:
            raise _refuse(text, "URLs and direct references are not allowed, only PyPI packages")
        if "/" in text:
            raise _refuse(text, "local paths are not allowed, only PyPI packages")
        if not PYTHON_CHARACTERS.match(text):
            raise _refuse(
                text,
                "only a package name, [extras] and version constraints such as ==2.* or "
                ">=1.26 are allowed (no environment markers or shell characters)",
            )
        try:
            requirement = Requirement(text)
        except InvalidRequirement as error:
            first_line = str(error).splitlines()[0]
            raise _refuse(text, f"not a valid Python requirement ({first_line})") from None
        name = canonicalize_name(requirement.name)
        extras = {canonicalize_name(extra) for extra in requirement.extras}
        if name in merged:
            old_extras, old_specifier = merged[name]
            merged[name] = (old_extras | extras, old_specifier & requirement.specifier)
        else:
            merged[name] = (extras, requirement.specifier)
    normal = []
    for name, (extras, specifier) in merged.items():
        extra_part = f"[{','.join(sorted(extras))}]" if extras else ""
        normal.append(f"{name}{extra_part}{specifier}")
    return tuple(sorted(normal))


def _split_node(text: str) -> tuple[str, str]:
    at = text.find("@", 1)  # a scope's leading "@" is part of the name
    return (text, "") if at < 0 else (text[:at], text[at + 1 :])


def _normalise_node(specs: list[str]) -> tuple[str, ...]:
    chosen: dict[str, str] = {}
    for spec in specs:
        text = _common_checks(spec)
        name, version = _split_node(text)
        version = " ".join(version.split())
        if ":" in text:
            raise _refuse(
                text, "aliases and protocols (npm:, github:, file:, git:) are not allowed"
            )
        if not NODE_NAME.match(name):
            why = (
                "GitHub shortcuts (user/repo) and paths are not allowed"
                if "/" in name and not name.startswith("@")
                else "not a valid npm package name"
            )
            raise _refuse(text, why)
        if len(name) > 214:
            raise _refuse(text, "npm package names are at most 214 characters")
        if "@" in version or (version and not NODE_RANGE.match(version)):
            raise _refuse(text, "the version must be a range such as 3, ^1.6.0 or >=2 <3, or a tag")
        normal = name if version in ANY_VERSION else f"{name}@{version}"
        if name in chosen and chosen[name] != normal:
            raise _refuse(text, f"{name} is listed twice ({chosen[name]} and {normal})")
        chosen[name] = normal
    return tuple(sorted(chosen.values()))
