from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html

from quotas.formatting import format_duration, format_moment
from quotas.models import OVERRIDABLE, Quota, Reservation, Tier
from quotas.overrides import QuotaOverridesForm, override_changes
from quotas.services import quota_change_tier, quota_reset, quota_set_overrides


def usage_bar(used: int, limit: int | None, percent: int | None, text: str) -> str:
    if limit is None:
        return format_html('<span class="quota-usage">{} (unlimited)</span>', text)
    return format_html(
        '<progress class="quota-bar" value="{}" max="100" title="{}%">{}%</progress> '
        '<span class="quota-usage">{}</span>',
        percent,
        percent,
        percent,
        text,
    )


class QuotaActionForm(ActionForm):
    tier = forms.ModelChoiceField(
        Tier.objects.all(), required=False, empty_label="(tier for “Change tier”)"
    )


class QuotaUsageDisplay:
    """Columns shared by the quota list and the quota inline on the user page."""

    @admin.display(description="Runs used")
    def runs(self, quota: Quota) -> str:
        limit = quota.limits.monthly_executions
        text = f"{quota.runs_used:,} / {limit:,}" if limit is not None else f"{quota.runs_used:,}"
        return usage_bar(quota.runs_used, limit, quota.runs_used_percent(), text)

    @admin.display(description="Compute used")
    def compute(self, quota: Quota) -> str:
        limit = quota.limits.compute_seconds
        used = format_duration(quota.compute_seconds_used)
        text = f"{used} / {format_duration(limit)}" if limit is not None else used
        return usage_bar(quota.compute_seconds_used, limit, quota.compute_used_percent(), text)

    @admin.display(description="Active runs")
    def active(self, quota: Quota) -> str:
        return f"{quota.runs_active} / {quota.limits.max_concurrent_runs}"

    @admin.display(description="Resets")
    def resets(self, quota: Quota) -> str:
        return format_moment(quota.period_end())


@admin.register(Quota)
class QuotaAdmin(QuotaUsageDisplay, admin.ModelAdmin):
    form = QuotaOverridesForm
    list_display = ("user", "tier", "own_limits", "runs", "compute", "period_start", "active")
    list_filter = ("tier",)
    list_select_related = ("user", "tier")
    search_fields = ("user__username", "user__email")
    ordering = ("user__username",)
    action_form = QuotaActionForm
    actions = ["reset_selected", "change_tier"]
    quota_fields = (
        "user",
        "tier",
        "runs",
        "compute",
        "active",
        "compute_seconds_reserved",
        "period_start",
        "resets",
    )
    readonly_fields = tuple(field for field in quota_fields if field != "tier")
    fieldsets = (
        (None, {"fields": quota_fields}),
        (
            "Own limits",
            {
                "description": "Tick a limit to give this user their own value instead of "
                "their tier's (shown under each); untick it to give them back the tier's. "
                "Empty means unlimited where the tier's may be. It holds from their next "
                "request; the change is recorded in the admin's history.",
                "fields": [(f"override_{name}", f"limit_{name}") for name in OVERRIDABLE],
            },
        ),
    )

    class Media:
        css = {"all": ["css/admin.css"]}

    def has_add_permission(self, request) -> bool:
        return False  # a quota is created with its user

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # every user must keep one

    def save_model(self, request, obj, form, change) -> None:
        # obj.save() would write back counters read when the page loaded, erasing runs
        # reserved meanwhile; only the tier and the overrides are editable: just those.
        quota_change_tier(quotas=Quota.objects.filter(pk=obj.pk), tier=obj.tier)
        quota_set_overrides(quota=obj, overrides=form.cleaned_data["overrides"])

    def construct_change_message(self, request, form, formsets, add=False):
        """Who changed what, from what to what (the log's default names fields only)."""
        changes = []
        if "tier" in form.changed_data:
            changes.append(f"tier: {form.initial_tier} → {form.instance.tier}")
        before = form.initial_overrides
        changes += override_changes(before, form.cleaned_data["overrides"], form.instance.tier)
        return "Changed " + "; ".join(changes) + "." if changes else "No fields changed."

    @admin.display(description="Own limits")
    def own_limits(self, quota: Quota) -> str:
        return ", ".join(sorted(quota.overrides)) or "—"

    @admin.action(description="Reset selected quotas", permissions=["change"])
    def reset_selected(self, request, queryset) -> None:
        count = quota_reset(quotas=queryset)
        self.message_user(request, f"Reset {count} quota{'s' if count != 1 else ''}.")

    @admin.action(description="Change tier", permissions=["change"])
    def change_tier(self, request, queryset) -> None:
        try:
            tier = QuotaActionForm.base_fields["tier"].clean(request.POST.get("tier"))
        except ValidationError:
            tier = None
        if tier is None:
            self.message_user(
                request, "Choose a tier next to the action, then run it.", messages.ERROR
            )
            return
        count = quota_change_tier(quotas=queryset, tier=tier)
        plural = "s" if count != 1 else ""
        self.message_user(request, f"Moved {count} quota{plural} to the {tier} tier.")


class QuotaInline(QuotaUsageDisplay, admin.StackedInline):
    model = Quota
    can_delete = False
    show_change_link = True
    fields = ("tier", "runs", "compute", "active", "period_start", "resets")
    readonly_fields = fields
    verbose_name_plural = "quota"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "label",
        "executions",
        "compute",
        "longest_run",
        "max_concurrent_runs",
        "resources",
        "network",
        "retention",
        "users",
        "ordering",
    )
    list_editable = ("ordering",)
    prepopulated_fields = {"name": ("label",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(user_count=Count("quotas"))

    @admin.display(description="Executions / period", ordering="monthly_executions")
    def executions(self, tier: Tier) -> str:
        limit = tier.monthly_executions
        return "unlimited" if limit is None else f"{limit:,}"

    @admin.display(description="Compute / period", ordering="compute_seconds")
    def compute(self, tier: Tier) -> str:
        return format_duration(tier.compute_seconds)

    @admin.display(description="Longest run", ordering="max_run_seconds")
    def longest_run(self, tier: Tier) -> str:
        return format_duration(tier.max_run_seconds)

    @admin.display(description="A run's vCPUs / memory (default – most)")
    def resources(self, tier: Tier) -> str:
        return (
            f"{tier.vcpus_default}–{tier.vcpus_max} / "
            f"{tier.memory_mb_default:,}–{tier.memory_mb_max:,} MiB"
        )

    @admin.display(description="Network (default / widest / cap per run)")
    def network(self, tier: Tier) -> str:
        cap = tier.network_max_bytes
        cap_text = "no cap" if cap is None else filesizeformat(cap)
        return f"{tier.network_default} / {tier.network_max} / {cap_text}"

    @admin.display(description="Runs kept", ordering="retention_days")
    def retention(self, tier: Tier) -> str:
        days = tier.retention_days
        return "forever" if days is None else f"{days:,} days"

    @admin.display(description="Users", ordering="user_count")
    def users(self, tier: Tier) -> int:
        return tier.user_count


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    """Read-only: reservations change only when their run starts and ends."""

    list_display = (
        "id",
        "quota",
        "seconds_reserved",
        "seconds_charged",
        "created_at",
        "settled_at",
    )
    list_filter = (("settled_at", admin.EmptyFieldListFilter),)
    list_select_related = ("quota__user", "quota__tier")
    search_fields = ("quota__user__username",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
