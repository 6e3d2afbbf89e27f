"""Executions in the admin: history, a run's output and timeline, and the actions."""

from __future__ import annotations

import functools
import uuid

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from operations.admin.common import LanguageFilter, OwnerFilter, ReadOnlyMixin, plural
from operations.costs import execution_usage, format_money
from operations.models import OperatorSettings
from quotas.exceptions import QuotaExceeded
from quotas.formatting import format_bytes, format_elapsed
from sandboxes.models import Execution, OutputChunk
from sandboxes.runs.cancel import execution_cancel
from sandboxes.runs.ending import execution_end
from sandboxes.runs.start import execution_rerun

MARKED_LOST = "Marked lost by an operator."
# The admin page shows this much output; the rest is on the run's own page.
OUTPUT_SHOWN_BYTES = 2 * 1024 * 1024


@admin.register(Execution)
class ExecutionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "run",
        "owner_link",
        "runtime",
        "source",
        "status_pill",
        "created_at",
        "duration",
        "compute",
        "cost",
        "worker",
    )
    # No date_hierarchy: listing the years and months present scans every run.
    list_filter = (
        "status",
        "source",
        LanguageFilter,
        OwnerFilter,
        ("created_at", admin.DateFieldListFilter),
    )
    search_fields = ("owner__username", "owner__email", "worker", "error")
    list_select_related = ("owner",)
    list_per_page = 50
    show_full_result_count = False  # COUNT(*) over every run on each page is not free
    view_on_site = False  # a run's page is its owner's alone
    actions = ["cancel_runs", "rerun_runs", "mark_lost"]
    fieldsets = (
        (
            None,
            {"fields": ("id", "owner", "source", "sandbox_link", "status_pill", "error", "worker")},
        ),
        ("Timeline", {"fields": ("created_at", "finished_at", "timeline_table")}),
        (
            "Resources and cost",
            {
                "fields": (
                    ("runtime", "runtime_version", "timeout_seconds"),
                    ("exit_code", "signal"),
                    ("duration", "cpu", "peak_memory"),
                    ("compute_seconds_charged", "output_size", "output_truncated"),
                    "cost_breakdown",
                )
            },
        ),
        ("Code", {"fields": ("code_summary",)}),
        ("Output", {"fields": ("output",)}),
        ("Files produced", {"fields": ("produced",)}),
    )
    readonly_fields = (
        "id", "owner", "source", "sandbox_link", "status_pill", "error", "worker", "created_at",
        "finished_at", "timeline_table", "runtime", "runtime_version", "timeout_seconds",
        "exit_code", "signal", "duration", "cpu", "peak_memory", "compute_seconds_charged",
        "output_size", "output_truncated", "cost_breakdown", "code_summary", "output",
        "produced",
    )  # fmt: skip

    class Media:
        css = {"all": ["css/operations-admin.css"]}

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the history (and the quota reservations it points at) stays

    def has_operate_permission(self, request) -> bool:
        """Cancel, re-run and mark lost: for those who may change executions."""
        return request.user.has_perm("sandboxes.change_execution")

    def get_search_results(self, request, queryset, search_term):
        """An execution id (from a log line, a user's report) finds that run."""
        try:
            execution_id = uuid.UUID(search_term.strip())
        except ValueError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(pk=execution_id), False

    def get_prices(self):
        if not hasattr(self, "_prices"):
            self._prices = OperatorSettings.load().prices
        return self._prices

    def changelist_view(self, request, extra_context=None):
        self._prices = OperatorSettings.load().prices  # once per page, not per row
        return super().changelist_view(request, extra_context)

    # --- columns ------------------------------------------------------------------------

    @admin.display(description="Run", ordering="created_at")
    def run(self, execution: Execution) -> str:
        return str(execution.pk)[:8]

    @admin.display(description="User", ordering="owner__username")
    def owner_link(self, execution: Execution) -> str:
        url = reverse("admin:sandboxes_execution_changelist") + f"?owner={execution.owner_id}"
        return format_html('<a href="{}" title="Runs of this user">{}</a>', url, execution.owner)

    @admin.display(description="Status", ordering="status")
    def status_pill(self, execution: Execution) -> str:
        return format_html(
            '<span class="run-status tone-{}">{}</span>',
            execution.tone,
            execution.get_status_display(),
        )

    @admin.display(description="Duration", ordering="wall_ms")
    def duration(self, execution: Execution) -> str:
        seconds = execution.duration_seconds
        return "-" if seconds is None else format_elapsed(seconds)

    @admin.display(description="CPU", ordering="cpu_ms")
    def cpu(self, execution: Execution) -> str:
        return "-" if execution.cpu_ms is None else format_elapsed(execution.cpu_ms / 1000)

    @admin.display(description="Peak memory", ordering="peak_memory_bytes")
    def peak_memory(self, execution: Execution) -> str:
        memory = execution.peak_memory_bytes
        return "-" if memory is None else format_bytes(memory, tenths=True)

    @admin.display(description="Output", ordering="output_bytes")
    def output_size(self, execution: Execution) -> str:
        return format_bytes(execution.output_bytes, tenths=True)

    @admin.display(description="Compute", ordering="compute_seconds_charged")
    def compute(self, execution: Execution) -> str:
        charged = execution.compute_seconds_charged
        return "-" if charged is None else f"{charged:,} s"

    @admin.display(description="Est. cost")
    def cost(self, execution: Execution) -> str:
        return str(self.get_prices().cost(execution_usage(execution)))

    @admin.display(description="Sandbox")
    def sandbox_link(self, execution: Execution) -> str:
        if execution.sandbox_id is None:
            return "-"
        url = reverse("admin:sandboxes_sandbox_change", args=[execution.sandbox_id])
        return format_html('<a href="{}">{}</a>', url, execution.sandbox)

    @admin.display(description="Estimated cost")
    def cost_breakdown(self, execution: Execution) -> str:
        prices = OperatorSettings.load().prices
        usage = execution_usage(execution)
        cost = prices.cost(usage)
        money = functools.partial(format_money, currency=prices.currency)
        return format_html(
            "<strong>{}</strong> = compute {} ({} h × {}) + memory {} ({} GB-h × {}) + per run {}",
            cost,
            money(cost.compute),
            f"{usage.compute_hours:.4f}",
            money(prices.compute_hour),
            money(cost.memory),
            f"{usage.memory_gb_hours:.5f}",
            money(prices.gb_hour),
            money(cost.runs),
        )

    @admin.display(description="Timeline")
    def timeline_table(self, execution: Execution) -> str:
        spent = execution.seconds_in_statuses()
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (status, at, format_elapsed(spent[status]) if status in spent else "")
                for status, at in execution.timeline
            ),
        )
        return format_html(
            '<table class="ops-timeline"><thead><tr><th>Status</th><th>At</th>'
            "<th>Time in it</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="What ran")
    def code_summary(self, execution: Execution) -> str:
        snapshot = execution.snapshot
        files = execution.file_names
        return format_html(
            "Entry <code>{}</code> · files: {} · packages: {} · variables: {}",
            snapshot.get("entry", ""),
            ", ".join(files) or "none",
            ", ".join(snapshot.get("packages", [])) or "none",
            ", ".join(snapshot.get("env_names", [])) or "none",
        )

    @admin.display(description="Output")
    def output(self, execution: Execution) -> str:
        chunks, shown = [], 0
        for stream, data in OutputChunk.objects.filter(execution=execution).values_list(
            "stream", "data"
        ):
            chunks.append((stream, data))
            shown += len(data)
            if shown >= OUTPUT_SHOWN_BYTES:
                break
        if not chunks:
            return format_html('<span class="ops-muted">{}</span>', "No output.")
        body = format_html_join("", '<span class="ops-{}">{}</span>', chunks)
        more = (
            format_html('<p class="ops-muted">Only the first {} are shown.</p>', "2 MiB")
            if shown >= OUTPUT_SHOWN_BYTES
            else ""
        )
        return format_html('<pre class="ops-output">{}</pre>{}', body, more)

    @admin.display(description="Files produced")
    def produced(self, execution: Execution) -> str:
        files = execution.files.values_list("path", "size")
        if not files:
            return "-"
        return format_html_join(
            "",
            "<div><code>{}</code> {}</div>",
            ((p, format_bytes(s, tenths=True)) for p, s in files),
        )

    # --- actions ------------------------------------------------------------------------

    @admin.action(description="Cancel selected runs (if still active)", permissions=["operate"])
    def cancel_runs(self, request, queryset) -> None:
        cancelled = sum(
            execution_cancel(execution=execution)
            for execution in queryset.filter(status__in=Execution.ACTIVE)
        )
        self.message_user(request, f"Asked {plural(cancelled, 'run')} to stop.")

    @admin.action(description="Re-run selected runs (as their owners)", permissions=["operate"])
    def rerun_runs(self, request, queryset):
        started, refused = [], []
        for execution in queryset.select_related("owner", "sandbox"):
            try:
                started.append(execution_rerun(execution=execution))
            except QuotaExceeded as refusal:
                refused.append(f"{execution.owner}: {refusal.message}")
            except ValidationError as error:
                refused.append(f"{execution.owner}: {' '.join(error.messages)}")
        if started:
            self.message_user(request, f"Started {plural(len(started), 'run')} again.")
        for reason in refused:
            self.message_user(request, f"Not re-run: {reason}", messages.WARNING)
        if len(started) == 1:
            return HttpResponseRedirect(
                reverse("admin:sandboxes_execution_change", args=[started[0].pk])
            )
        return None

    @admin.action(description="Mark selected runs lost (worker died)", permissions=["operate"])
    def mark_lost(self, request, queryset) -> None:
        active = queryset.filter(status__in=Execution.ACTIVE).values_list("pk", flat=True)
        lost = [
            execution_id for execution_id in active
            if execution_end(execution_id, status=Execution.Status.LOST, error=MARKED_LOST)
        ]  # fmt: skip
        self.message_user(request, f"Marked {plural(len(lost), 'run')} lost.")
