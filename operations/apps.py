from __future__ import annotations

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Here, not at the top: the receivers (connecting to the run path's signals) import
        # models, which are not loaded yet when Django imports this module.
        from operations import receivers  # noqa: F401
