from __future__ import annotations

import json
import secrets
from pathlib import Path

from django.db import transaction

from accounts.models import User
from quotas.services import quota_create_for_user


@transaction.atomic
def user_create(*, username: str, email: str, password: str | None) -> User:
    """A new account on the default tier (with no password: it cannot log in)."""
    user = User.objects.create_user(username=username, email=email, password=password)
    # The post_save receiver already did this for every user; being explicit keeps sign-up
    # correct if that receiver ever changes.
    quota_create_for_user(user=user)
    return user


@transaction.atomic
def demo_users_ensure(*, credentials_file: Path) -> dict[str, str]:
    """The demo user and the operator account of a fresh install, created once.

    Passwords are random, kept in `credentials_file` (readable by its owner only), so a
    demo install never ships a guessable login. Returns {username: password}.
    """
    known = json.loads(credentials_file.read_text()) if credentials_file.exists() else {}
    for username, is_staff in (("demo", False), ("admin", True)):
        user = User.objects.filter(username=username).first()
        if user is not None and username in known:
            continue
        password = secrets.token_urlsafe(12)
        if user is None:
            user = user_create(username=username, email=f"{username}@localhost", password=password)
        user.set_password(password)
        user.is_staff = user.is_superuser = is_staff
        user.save()
        known[username] = password
    credentials_file.parent.mkdir(parents=True, exist_ok=True)
    credentials_file.touch(mode=0o600)
    credentials_file.write_text(json.dumps(known, indent=2))
    return known
