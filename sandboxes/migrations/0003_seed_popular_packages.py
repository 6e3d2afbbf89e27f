"""Seed the popular-packages list with the product brief's lists (count 0, ranked)."""

from django.db import migrations

POPULAR = {
    "python": [
        "numpy", "pandas", "matplotlib", "requests",
        "beautifulsoup4", "scikit-learn", "pillow", "flask",
    ],
    "node": ["axios", "lodash", "express", "cheerio", "dotenv", "date-fns", "zod", "sharp"],
}  # fmt: skip


def seed(apps, schema_editor):
    PackageUsage = apps.get_model("sandboxes", "PackageUsage")
    for language, names in POPULAR.items():
        for rank, name in enumerate(names, start=1):
            PackageUsage.objects.update_or_create(
                language=language, name=name, defaults={"rank": rank}
            )


def unseed(apps, schema_editor):
    PackageUsage = apps.get_model("sandboxes", "PackageUsage")
    for language, names in POPULAR.items():
        PackageUsage.objects.filter(language=language, name__in=names, count=0).delete()


class Migration(migrations.Migration):
    dependencies = [("sandboxes", "0002_package_usage")]

    operations = [migrations.RunPython(seed, unseed)]
