"""Package specs from users, checked with the engine's rules; usage counts per package."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sandboxes.engine import InvalidSpec
from sandboxes.engine.packages.specs import language_of, name_of, normalise
from sandboxes.models import PackageUsage


def packages_check(*, runtime: str, packages: Iterable[str]) -> list[str]:
    """The specs in normal form (sorted, de-duplicated), or a ValidationError on "packages"
    naming the spec that is refused and why."""
    if isinstance(packages, str | bytes):
        raise ValidationError({"packages": "Packages must be a list of package specs."})
    try:
        return list(normalise(language_of(runtime), packages))
    except InvalidSpec as error:
        raise ValidationError({"packages": str(error).capitalize()}) from None


@transaction.atomic
def package_usage_record(*, runtime: str, packages: Iterable[str]) -> None:
    """Count one use of each package (by name) a starting run asked for."""
    language = language_of(runtime)
    names = sorted({name_of(language, spec) for spec in packages})
    if not names:
        return
    PackageUsage.objects.bulk_create(
        [PackageUsage(language=language, name=name) for name in names], ignore_conflicts=True
    )
    PackageUsage.objects.filter(language=language, name__in=names).update(
        count=F("count") + 1, last_used=timezone.now()
    )
