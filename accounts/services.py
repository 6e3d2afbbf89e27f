from __future__ import annotations

import json
import secrets
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.tokens import email_verification_token
from quotas.services import quota_create_for_user


@transaction.atomic
def user_create(*, username: str, email: str, password: str | None) -> User:
    """A new account on the default tier (with no password: it cannot log in)."""
    user = User.objects.create_user(username=username, email=email, password=password)
    # The post_save receiver already did this for every user; being explicit keeps sign-up
    # correct if that receiver ever changes.
    quota_create_for_user(user=user)
    return user


def user_signup(*, username: str, email: str, password: str) -> User:
    """A new account, whether or not another account already uses `email` (sign-up must not
    say which addresses have accounts). The address is mailed either a link to verify it
    or, when another account has verified it, a notice that cannot verify it again."""
    user = user_create(username=username, email=email, password=password)
    if User.objects.filter(verified_email__iexact=email).exclude(pk=user.pk).exists():
        _mail(user, "already_used", {})
    else:
        email_verification_send(user=user)
    return user


def email_verification_send(*, user: User) -> None:
    """Mail the user a link that verifies their current address."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("email_verify", args=[uid, email_verification_token.make_token(user)])
    _mail(user, "verify", {"link": settings.SITE_URL + path})


@transaction.atomic
def email_verify(*, user: User, token: str) -> bool:
    """Mark the user's address verified if the token is theirs, current, and no other
    account verified the address first."""
    if not user.email or not email_verification_token.check_token(user, token):
        return False
    taken = User.objects.filter(verified_email__iexact=user.email).exclude(pk=user.pk)
    if taken.exists():
        return False
    user.verified_email = user.email
    user.save(update_fields=["verified_email"])
    return True


def _mail(user: User, name: str, context: dict) -> None:
    context = {"user": user, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"accounts/email/{name}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{name}.txt", context)
    send_mail(subject, body, None, [user.email])


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
