from __future__ import annotations

from django.apps import AppConfig


class QuotasConfig(AppConfig):
    name = "quotas"

    def ready(self) -> None:
        # Here, not at the top: the receivers import models, which are not loaded yet when
        # Django imports this module.
        from quotas import receivers  # noqa: F401
