"""The operator settings (one row) and the alerts' state in the admin."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from operations.admin.common import ReadOnlyMixin
from operations.models import OperatorSettings, QuotaAlert, RateAlert


@admin.register(OperatorSettings)
class OperatorSettingsAdmin(admin.ModelAdmin):
    fieldsets = (
        ("Kill switch", {"fields": ("runs_paused", "pause_message")}),
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

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_form(self, request, obj=None, **kwargs):
        kwargs["widgets"] = {"pause_message": forms.TextInput(attrs={"size": 90})}
        return super().get_form(request, obj, **kwargs)

    def changelist_view(self, request, extra_context=None):
        """There is one row: the list opens it."""
        OperatorSettings.load()
        return HttpResponseRedirect(reverse("admin:operations_operatorsettings_change", args=[1]))

    def get_object(self, request, object_id, from_field=None):
        return OperatorSettings.load() if str(object_id) == "1" else None


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
