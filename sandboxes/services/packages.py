"""Package specs from users, checked with the engine's rules; a sandbox's package list;
usage counts per package."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sandboxes.engine import InvalidSpec
from sandboxes.engine.packages.specs import MAX_PACKAGES, name_of, normalise, package_key
from sandboxes.engine.runtimes import language_of
from sandboxes.models import PackageUsage, Sandbox


def _sentence(error: InvalidSpec) -> str:
    """The engine's message as a sentence, keeping the spec exactly as the user wrote it."""
    text = str(error)
    return text[:1].upper() + text[1:]


def packages_check(*, runtime: str, packages: Iterable[str]) -> list[str]:
    """The specs in normal form (sorted, de-duplicated), or a ValidationError on "packages"
    naming the spec that is refused and why."""
    if isinstance(packages, str | bytes):
        raise ValidationError({"packages": "Packages must be a list of package specs."})
    try:
        return list(normalise(language_of(runtime), packages))
    except InvalidSpec as error:
        raise ValidationError({"packages": _sentence(error)}) from None


@transaction.atomic(savepoint=False)
def package_usage_record(*, runtime: str, packages: Iterable[str], user=None) -> None:
    """Count one use of each package (by name) a starting run asked for, and remember
    that `user` asked for it (what decides who else it is suggested to)."""
    language = language_of(runtime)
    names = sorted({name_of(language, spec) for spec in packages})
    if not names:
        return
    PackageUsage.objects.bulk_create(
        [PackageUsage(language=language, name=name) for name in names], ignore_conflicts=True
    )
    usage = PackageUsage.objects.filter(language=language, name__in=names)
    usage.update(count=F("count") + 1, last_used=timezone.now())
    if user is not None:
        through = PackageUsage.users.through
        through.objects.bulk_create(
            [
                through(packageusage_id=pk, user_id=user.pk)
                for pk in usage.values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
        )


@transaction.atomic
def sandbox_package_add(*, sandbox: Sandbox, spec: str) -> Sandbox:
    """Add one package spec to the sandbox's list (kept in normal form, sorted).

    Refused on "spec", naming the limit: a spec the engine would refuse, a package that is
    already listed (in any version), or one more than a run may install.
    """
    locked = Sandbox.objects.select_for_update().get(pk=sandbox.pk)
    language = language_of(locked.runtime)
    try:
        (normal,) = normalise(language, [spec])
    except InvalidSpec as error:
        raise ValidationError({"spec": _sentence(error)}) from None
    key = package_key(language, normal)
    for listed in locked.packages:
        if package_key(language, listed) == key:
            raise ValidationError(
                {"spec": f"Package {key!r} is already in this sandbox (as {listed}): remove it "
                 "first to choose another version."}
            )  # fmt: skip
    if len(locked.packages) >= MAX_PACKAGES:
        raise ValidationError(
            {"spec": f"A sandbox may have at most {MAX_PACKAGES} packages and this one has "
             f"{len(locked.packages)}: remove one to add another."}
        )  # fmt: skip
    try:
        locked.packages = list(normalise(language, [*locked.packages, normal]))
    except InvalidSpec as error:  # a spec listed before the rules changed
        raise ValidationError({"spec": _sentence(error)}) from None
    locked.save(update_fields=["packages", "updated_at"])
    return locked


@transaction.atomic
def sandbox_package_remove(*, sandbox: Sandbox, spec: str) -> Sandbox:
    """Remove a spec from the sandbox's list (already gone: nothing to do)."""
    locked = Sandbox.objects.select_for_update().get(pk=sandbox.pk)
    kept = [listed for listed in locked.packages if listed != spec]
    if kept != locked.packages:
        locked.packages = kept
        locked.save(update_fields=["packages", "updated_at"])
    return locked
