"""The operators' kill switch."""

from __future__ import annotations

from django.db import models

DEFAULT_PAUSE_MESSAGE = "New runs are paused for maintenance. Please try again later."


class KillSwitch(models.Model):
    """The operators' kill switch: one row (pk 1), edited in the admin. While it is on,
    every new run is refused (sandboxes.runs.kill_switch)."""

    runs_paused = models.BooleanField(
        "pause new runs",
        default=False,
        help_text="Refuse every new run users start (editor, API, re-runs). Runs already "
        "queued or running carry on: stop them from the execution list.",
    )
    pause_message = models.CharField(
        max_length=300,
        blank=True,
        help_text="Shown to users while runs are paused. Empty: a default message.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "kill switch"

    def __str__(self) -> str:
        return "Kill switch"

    @classmethod
    def load(cls) -> KillSwitch:
        return cls.objects.get_or_create(pk=1)[0]

    @classmethod
    def paused_message(cls) -> str | None:
        """What users are told while runs are paused; None while runs may start. One
        query that writes nothing: every run start asks."""
        message = (
            cls.objects.filter(pk=1, runs_paused=True)
            .values_list("pause_message", flat=True)
            .first()
        )
        return None if message is None else message or DEFAULT_PAUSE_MESSAGE
