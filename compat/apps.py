from __future__ import annotations

from django.apps import AppConfig


class CompatConfig(AppConfig):
    """Other runners' HTTP APIs (Judge0 CE, Piston), served by ordinary executions."""

    name = "compat"
    verbose_name = "Compatible APIs"
