from __future__ import annotations

from django.db import transaction

from accounts.models import User
from quotas.services import quota_create_for_user


@transaction.atomic
def user_create(*, username: str, email: str, password: str) -> User:
    """A new account on the default tier."""
    user = User.objects.create_user(username=username, email=email, password=password)
    # The post_save receiver already did this for every user; being explicit keeps sign-up
    # correct if that receiver ever changes.
    quota_create_for_user(user=user)
    return user
