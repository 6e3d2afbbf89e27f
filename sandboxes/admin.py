from __future__ import annotations

from django import forms
from django.contrib import admin

from config.one_row import OneRowAdmin
from sandboxes.models import KillSwitch, PackageUsage


@admin.register(PackageUsage)
class PackageUsageAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "count", "last_used", "rank"]
    list_filter = ["language"]
    search_fields = ["name"]
    ordering = ["language", "-count", "name"]
    readonly_fields = ["count", "last_used"]


@admin.register(KillSwitch)
class KillSwitchAdmin(OneRowAdmin):
    fields = ("runs_paused", "pause_message")

    def get_form(self, request, obj=None, **kwargs):
        kwargs["widgets"] = {"pause_message": forms.TextInput(attrs={"size": 90})}
        return super().get_form(request, obj, **kwargs)
