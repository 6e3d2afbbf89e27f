"""The operator settings (one row) and the alerts' state in the admin."""

from __future__ import annotations

from django.contrib import admin

from config.one_row import OneRowAdmin
from operations.admin.common import ReadOnlyMixin
from operations.models import OperatorSettings, QuotaAlert, RateAlert


@admin.register(OperatorSettings)
class OperatorSettingsAdmin(OneRowAdmin):
    fieldsets = (
        (
            "Prices (for cost estimates)",
            {
                "fields": (
                    "currency",
                    "price_per_compute_hour",
                    "price_per_gb_hour",
                    "price_per_run",
                    "cost_goal_per_run",
                )
            },
        ),
        (
            "Operator alerts (manage.py check_alerts)",
            {
                "fields": (
                    "error_rate_threshold",
                    "timeout_rate_threshold",
                    "alert_window_minutes",
                    "alert_min_runs",
                    "alert_emails",
                )
            },
        ),
    )


@admin.register(QuotaAlert)
class QuotaAlertAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("user", "limit", "level", "period_start", "created_at", "emailed_at")
    list_filter = ("limit", "level")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    date_hierarchy = "created_at"


@admin.register(RateAlert)
class RateAlertAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("kind", "firing", "rate", "runs", "changed_at", "checked_at")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
