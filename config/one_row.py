"""The admin of a model that has one row (pk 1) and a `load()` that makes it when missing:
operators' settings such as the kill switch and the operator settings."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse


class OneRowAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        """There is one row: the list opens it."""
        self.model.load()
        meta = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[1])
        )

    def get_object(self, request, object_id, from_field=None):
        return self.model.load() if str(object_id) == "1" else None
