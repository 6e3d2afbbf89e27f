"""The kill switch moves to the sandboxes app (sandboxes.KillSwitch), its state with it."""

from django.db import migrations


def to_sandboxes(apps, schema_editor):
    settings = apps.get_model("operations", "OperatorSettings").objects.filter(pk=1).first()
    if settings is not None:
        apps.get_model("sandboxes", "KillSwitch").objects.update_or_create(
            pk=1,
            defaults={"runs_paused": settings.runs_paused, "pause_message": settings.pause_message},
        )


def to_operations(apps, schema_editor):
    switch = apps.get_model("sandboxes", "KillSwitch").objects.filter(pk=1).first()
    if switch is not None:
        apps.get_model("operations", "OperatorSettings").objects.filter(pk=1).update(
            runs_paused=switch.runs_paused, pause_message=switch.pause_message
        )


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0004_price_per_vcpu_hour"),
        ("sandboxes", "0016_kill_switch"),
    ]

    operations = [
        migrations.RunPython(to_sandboxes, to_operations),
        migrations.RemoveField(model_name="operatorsettings", name="pause_message"),
        migrations.RemoveField(model_name="operatorsettings", name="runs_paused"),
    ]
