from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """The project's own user model, so fields can be added later without a swap."""

    # The address its owner proved they read (by opening the link mailed to it). Notices
    # go only to a verified address; changing `email` leaves it unverified.
    verified_email = models.EmailField(blank=True)

    @property
    def email_verified(self) -> bool:
        return bool(self.email) and self.verified_email == self.email
