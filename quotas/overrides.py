"""The admin's form for one user's own limits: any tier limit, overridden for them alone,
each shown beside the tier's value; what changed is written to the admin's log."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from quotas.models import OVERRIDABLE, Quota, Tier, UserLimits


def _label(name: str) -> str:
    return str(Tier._meta.get_field(name).verbose_name).capitalize()


def shown(name: str, value) -> str:
    """A limit's value in words, for the tier's beside the field and for the log."""
    if value is None:
        return "unlimited" if Tier._meta.get_field(name).null else "—"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _override_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for name in OVERRIDABLE:
        model_field = Tier._meta.get_field(name)
        fields[f"override_{name}"] = forms.BooleanField(
            required=False, label=f"Override {_label(name).lower()}"
        )
        value = model_field.formfield(required=False)
        value.label = _label(name)
        fields[f"limit_{name}"] = value
    return fields


class _QuotaOverridesForm(forms.ModelForm):
    """Tick a limit to give this user their own value (empty, where the tier's may be
    empty: unlimited); untick it to give them back their tier's."""

    class Meta:
        model = Quota
        fields = ("tier",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        overrides = self.instance.overrides if self.instance.pk else {}
        tier = self.instance.tier if self.instance.pk else None
        # As they were when the page was read: the admin's log says what changed.
        self.initial_overrides, self.initial_tier = dict(overrides), tier
        for name in OVERRIDABLE:
            self.fields[f"override_{name}"].initial = name in overrides
            value_field = self.fields[f"limit_{name}"]
            if name in overrides:
                value_field.initial = overrides[name]
            elif tier is not None:
                value_field.initial = getattr(tier, name)
            if tier is not None:
                value_field.help_text = f"The {tier} tier's: {shown(name, getattr(tier, name))}."

    def clean(self) -> dict:
        data = super().clean()
        overrides = {}
        for name in OVERRIDABLE:
            if not data.get(f"override_{name}"):
                continue
            value = data.get(f"limit_{name}")
            if value in (None, "") and not Tier._meta.get_field(name).null:
                self.add_error(f"limit_{name}", "Give a value, or untick the override.")
                continue
            value = None if value == "" else value
            try:
                Tier._meta.get_field(name).run_validators(value)
            except ValidationError as error:
                self.add_error(f"limit_{name}", error)
                continue
            overrides[name] = value
        tier = data.get("tier")
        if tier is not None and not self.errors:
            problems = UserLimits(tier, overrides).problems()
            for name, problem in problems.items():
                self.add_error(f"limit_{name}" if name in OVERRIDABLE else None, problem)
        data["overrides"] = overrides
        return data


# A pair of fields per limit (override it?, its value), declared so the admin's
# fieldsets can name them.
QuotaOverridesForm = type(
    "QuotaOverridesForm", (_QuotaOverridesForm,), {**_override_fields(), "__module__": __name__}
)


def override_changes(before: dict, after: dict, tier: Tier) -> list[str]:
    """What an operator changed, in words for the admin's log."""
    changes = []
    for name in OVERRIDABLE:
        label = _label(name).lower()
        tier_value = shown(name, getattr(tier, name))
        if name in after and (name not in before or before[name] != after[name]):
            was = f"{shown(name, before[name])}" if name in before else f"the tier's {tier_value}"
            changes.append(f"{label}: {was} → {shown(name, after[name])}")
        elif name in before and name not in after:
            changes.append(f"{label}: {shown(name, before[name])} → the tier's {tier_value}")
    return changes
