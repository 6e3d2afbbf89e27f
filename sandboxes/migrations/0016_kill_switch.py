from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sandboxes", "0015_execution_share"),
    ]

    operations = [
        migrations.CreateModel(
            name="KillSwitch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("runs_paused", models.BooleanField(default=False, help_text="Refuse every new run users start (editor, API, re-runs). Runs already queued or running carry on: stop them from the execution list.", verbose_name="pause new runs")),
                ("pause_message", models.CharField(blank=True, help_text="Shown to users while runs are paused. Empty: a default message.", max_length=300)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name": "kill switch", "verbose_name_plural": "kill switch"},
        ),
    ]
