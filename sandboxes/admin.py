from __future__ import annotations

from django.contrib import admin

from sandboxes.models import PackageUsage


@admin.register(PackageUsage)
class PackageUsageAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "count", "last_used", "rank"]
    list_filter = ["language"]
    search_fields = ["name"]
    ordering = ["language", "-count", "name"]
    readonly_fields = ["count", "last_used"]
