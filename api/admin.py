from __future__ import annotations

from django.contrib import admin, messages

from api.models import ApiToken
from api.services.tokens import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Operators see and revoke tokens; nobody can read a secret (only its hash is kept)."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "is_live")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "created_at")
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username", "user__email")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    fields = readonly_fields
    actions = ["revoke"]
    date_hierarchy = "created_at"

    @admin.display(description="Live", boolean=True, ordering="revoked_at")
    def is_live(self, token: ApiToken) -> bool:
        return not token.is_revoked

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset) -> None:
        revoked = sum(api_token_revoke(token=token) for token in queryset)
        self.message_user(request, f"{revoked} token(s) revoked.", messages.SUCCESS)

    def has_add_permission(self, request) -> bool:
        # A token's secret is shown once to whoever creates it: users on their account
        # page, operators with `manage.py api_token`.
        return False
