"""A new sandbox from a template (sandboxes.starters): its files, entry file, packages and
network policy set in one transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from quotas.models import NetworkChoice
from sandboxes.models import Sandbox
from sandboxes.services.packages import packages_check
from sandboxes.services.stored_files import stored_files_delete
from sandboxes.services.workspaces import (
    sandbox_create,
    sandbox_files_save,
    sandbox_network_set,
)
from sandboxes.starters import BY_SLUG, Starter


def starter_get(slug: str) -> Starter:
    try:
        return BY_SLUG[slug]
    except KeyError:
        raise ValidationError({"starter": f"There is no template named {slug!r}."}) from None


@transaction.atomic
def sandbox_create_from_starter(*, owner, slug: str, name: str = "") -> Sandbox:
    """A sandbox holding the template's files and packages, named after it unless `name`
    is given. A template whose allow-list the owner's tier refuses keeps the tier's
    default network (the Network panel says what the tier allows)."""
    starter = starter_get(slug)
    sandbox = sandbox_create(owner=owner, name=name or starter.title, runtime=starter.language)
    stored_files_delete(sandbox.files.exclude(path__in=list(starter.files)))
    sandbox_files_save(
        sandbox=sandbox, files={path: text.encode() for path, text in starter.files.items()}
    )
    sandbox.entry_file = starter.entry
    sandbox.packages = packages_check(runtime=sandbox.runtime, packages=starter.packages)
    sandbox.save(update_fields=["entry_file", "packages", "updated_at"])
    if starter.allow:
        try:
            with transaction.atomic():
                sandbox_network_set(
                    sandbox=sandbox, mode=NetworkChoice.ALLOW_LIST, allow=list(starter.allow)
                )
        except ValidationError:
            pass
    return sandbox
