"""Seed the product's tiers (editable afterwards in the admin) and give any user created
before this app was installed a quota on the free tier."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

TIERS = [
    # name, label, executions/period, compute seconds/period, longest run s, concurrent runs
    ("free", "Free", 50, 7_200, 2_700, 1),
    ("pro", "Pro", 500, 90_000, 18_000, 3),
    ("premium", "Premium", 2_000, 360_000, 18_000, 5),
    ("enterprise", "Enterprise", None, None, 18_000, 10),
]


def seed_tiers(apps, schema_editor):
    Tier = apps.get_model("quotas", "Tier")
    Quota = apps.get_model("quotas", "Quota")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    for ordering, (name, label, executions, compute, longest, concurrent) in enumerate(TIERS):
        Tier.objects.update_or_create(
            name=name,
            defaults={
                "label": label,
                "monthly_executions": executions,
                "compute_seconds": compute,
                "max_run_seconds": longest,
                "max_concurrent_runs": concurrent,
                "ordering": ordering * 10,
            },
        )
    free = Tier.objects.get(name="free")
    now = timezone.now()
    Quota.objects.bulk_create(
        Quota(user_id=user_id, tier=free, period_start=now)
        for user_id in User.objects.filter(quota__isnull=True).values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("quotas", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(seed_tiers, migrations.RunPython.noop)]
