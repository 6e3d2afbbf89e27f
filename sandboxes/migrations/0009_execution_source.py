"""Each run records what started it; runs recorded before came from the editor when they
belong to a sandbox, else from the HTTP API."""

from django.db import migrations, models


def label_past_runs(apps, schema_editor):
    Execution = apps.get_model("sandboxes", "Execution")
    Execution.objects.filter(sandbox__isnull=False).update(source="editor")


class Migration(migrations.Migration):
    dependencies = [("sandboxes", "0008_produced_files_skipped")]

    operations = [
        migrations.AddField(
            model_name="execution",
            name="source",
            field=models.CharField(
                choices=[
                    ("editor", "Editor"),
                    ("api", "HTTP API"),
                    ("judge0", "Judge0 API"),
                    ("piston", "Piston API"),
                ],
                default="api",
                max_length=16,
            ),
        ),
        migrations.RunPython(label_past_runs, migrations.RunPython.noop),
    ]
