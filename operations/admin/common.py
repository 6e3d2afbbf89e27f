"""What the operations admin pages share: list filters and read-only behaviour."""

from __future__ import annotations

from django.contrib import admin

from config.numbers import ascii_int
from sandboxes.engine.runtimes import LANGUAGE_NAMES, LANGUAGES


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class LanguageFilter(admin.SimpleListFilter):
    title = "runtime"
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return list(LANGUAGE_NAMES.items())

    def queryset(self, request, queryset):
        if self.value() in LANGUAGES:  # a runtime id starts with its language (language_of)
            return queryset.filter(runtime__startswith=self.value())
        return queryset


class OwnerFilter(admin.SimpleListFilter):
    """Set by the links on user names (listing every user would not scale)."""

    title = "user"
    parameter_name = "owner"

    def lookups(self, request, model_admin):
        owner = self.value()
        if ascii_int(owner) is None:
            return []
        user = model_admin.model._meta.get_field("owner").related_model
        found = user.objects.filter(pk=owner).values_list("pk", "username").first()
        return [(str(found[0]), found[1])] if found else []

    def queryset(self, request, queryset):
        owner_id = ascii_int(self.value())
        return queryset if owner_id is None else queryset.filter(owner_id=owner_id)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
