from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User
from quotas.admin import QuotaInline


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [QuotaInline]
    list_display = ("username", "email", "tier", "is_staff", "is_active", "date_joined")
    list_select_related = ("quota__tier",)
    list_filter = ("quota__tier", "is_staff", "is_superuser", "is_active")

    @admin.display(description="Tier", ordering="quota__tier__ordering")
    def tier(self, user: User) -> str:
        quota = getattr(user, "quota", None)
        return str(quota.tier) if quota else "-"

    def get_inline_instances(self, request, obj=None):
        # A new user's quota is created with the user; there is nothing to fill in.
        return super().get_inline_instances(request, obj) if obj else []
