"""What a built environment's manifest says (manifest.json, written by manager.py and read
back by store.py): what each package resolved to, when it was built, its size."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from packaging.utils import canonicalize_name


@dataclass(frozen=True)
class Manifest:
    versions: dict[str, str]  # {package key (specs.package_key): version}, top level only
    built_at: datetime | None
    size: int | None  # bytes

    @classmethod
    def read(cls, language: str, manifest: Mapping[str, object]) -> Manifest:
        """A manifest as the store returns it; what is missing or malformed is unknown."""
        versions: dict[str, str] = {}
        installed = manifest.get("installed")
        for item in installed if isinstance(installed, list) else []:
            if not isinstance(item, str):
                continue
            if language == "python":
                name, _, version = item.partition("==")
                versions[canonicalize_name(name)] = version
            elif "/node_modules/" not in item:  # nested copies are some package's own
                name, _, version = item.rpartition("@")
                versions[name] = version
        built_at = manifest.get("built_at")
        size = manifest.get("size")
        return cls(
            versions=versions,
            built_at=datetime.fromisoformat(built_at) if isinstance(built_at, str) else None,
            size=size if isinstance(size, int) else None,
        )


def installed_in(build: Path) -> list[str]:
    """What an install resolved to: "name==version" (Python) or "name@version" (Node), as
    the manifest's "installed" lists them."""
    found = []
    python = build / "python"
    if python.is_dir():
        for info in python.glob("*.dist-info"):
            name, _, version = info.name.removesuffix(".dist-info").partition("-")
            found.append(f"{name}=={version}")
    lock = build / "node" / "package-lock.json"
    if lock.is_file():
        try:
            packages = json.loads(lock.read_text()).get("packages", {})
        except ValueError:
            packages = {}
        for path, info in packages.items():
            if path.startswith("node_modules/") and isinstance(info, dict):
                found.append(f"{path.removeprefix('node_modules/')}@{info.get('version', '?')}")
    return sorted(found)
