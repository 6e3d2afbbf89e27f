from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from quotas.services import quota_create_for_user


# Users also come from createsuperuser and the admin, so the quota follows the user row.
@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="quota_for_new_user")
def create_quota_for_new_user(sender, instance, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        quota_create_for_user(user=instance)
