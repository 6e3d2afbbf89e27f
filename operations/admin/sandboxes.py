"""Sandboxes in the admin: owner, size, runs and the last one; files listed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html

from operations.admin.common import LanguageFilter
from quotas.formatting import format_bytes
from sandboxes.models import Execution, Sandbox, SandboxFile

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Counted(TypedDict):
    """What the list's queryset adds to each sandbox."""

    file_count: int | None
    total_size: int
    run_count: int | None
    last_run_at: datetime | None


type ListedSandbox = WithAnnotations[Sandbox, _Counted]


class SandboxFileInline(admin.TabularInline):
    model = SandboxFile
    fields = ("path", "size", "updated_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Sandbox)
class SandboxAdmin(admin.ModelAdmin):
    list_display = ("name", "owner_link", "runtime", "files", "size", "runs", "last_run")
    list_filter = (LanguageFilter,)
    search_fields = ("name", "owner__username", "owner__email")
    list_select_related = ("owner",)
    show_full_result_count = False
    fields = ("name", "owner", "runtime", "entry_file", "packages", "variable_names",
              "created_at", "updated_at", "size", "runs", "last_run")  # fmt: skip
    readonly_fields = fields
    inlines = [SandboxFileInline]
    view_on_site = False  # the editor is its owner's alone

    class Media:
        css = {"all": ["css/operations-admin.css"]}

    def has_add_permission(self, request) -> bool:
        return False  # users make sandboxes; operators look, and may delete one

    def get_queryset(self, request):
        # Subqueries, not joins: computed only for the rows on the page.
        files = SandboxFile.objects.filter(sandbox=OuterRef("pk")).values("sandbox")
        runs = Execution.objects.filter(sandbox=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                file_count=Subquery(files.annotate(n=Count("pk")).values("n")),
                total_size=Coalesce(
                    Subquery(files.annotate(s=Sum("size")).values("s")), 0,
                    output_field=IntegerField(),
                ),
                run_count=Subquery(
                    runs.values("sandbox").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                last_run_at=Subquery(runs.order_by("-created_at").values("created_at")[:1]),
            )
        )  # fmt: skip

    @admin.display(description="Owner", ordering="owner__username")
    def owner_link(self, sandbox: Sandbox) -> str:
        url = reverse("admin:sandboxes_sandbox_changelist") + f"?q={sandbox.owner}"
        return format_html('<a href="{}">{}</a>', url, sandbox.owner)

    @admin.display(description="Files", ordering="file_count")
    def files(self, sandbox: ListedSandbox) -> int:
        return sandbox.file_count or 0

    @admin.display(description="Size", ordering="total_size")
    def size(self, sandbox: ListedSandbox) -> str:
        return format_bytes(sandbox.total_size, tenths=True)

    @admin.display(description="Runs", ordering="run_count")
    def runs(self, sandbox: ListedSandbox) -> str:
        count = sandbox.run_count or 0
        url = reverse("admin:sandboxes_execution_changelist") + f"?q={sandbox.owner}"
        return format_html('<a href="{}">{}</a>', url, count) if count else "0"

    @admin.display(description="Last run", ordering="last_run_at")
    def last_run(self, sandbox: ListedSandbox):
        return sandbox.last_run_at or "-"

    @admin.display(description="Variables")
    def variable_names(self, sandbox: Sandbox) -> str:
        # Values are write-only, for operators too.
        return ", ".join(sandbox.variables.values_list("name", flat=True)) or "-"
