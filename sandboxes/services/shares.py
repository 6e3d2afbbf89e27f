"""Read-only links to one run: create (or keep) one, revoke it."""

from __future__ import annotations

import secrets

from django.db import transaction

from sandboxes.models import Execution, ExecutionShare


@transaction.atomic
def execution_share(*, execution: Execution) -> ExecutionShare:
    """The run's share link, made if it has none (a second call keeps the same link)."""
    share, _ = ExecutionShare.objects.get_or_create(
        execution=execution, defaults={"token": secrets.token_urlsafe(24)}
    )
    return share


@transaction.atomic
def execution_unshare(*, execution: Execution) -> None:
    """Revoke the link: whoever has it gets "not found" from now on."""
    ExecutionShare.objects.filter(execution=execution).delete()
