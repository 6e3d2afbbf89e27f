from __future__ import annotations

from django.apps import AppConfig

# Registers the start-up check (it reads settings and the engine, no model).
from sandboxes import checks  # noqa: F401


class SandboxesConfig(AppConfig):
    name = "sandboxes"
