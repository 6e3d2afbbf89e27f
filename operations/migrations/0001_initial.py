from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The runs in flight, for the metrics' gauges and the dashboard's "now": a partial index
# holds only them, so counting them stays instant with millions of finished runs. It is
# created here, by the app that asks the question, rather than in sandboxes' migrations.
ACTIVE_INDEX = (
    "CREATE INDEX IF NOT EXISTS operations_execution_active "
    "ON sandboxes_execution (status, runtime) "
    "WHERE status IN ('queued', 'preparing', 'running')"
)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("sandboxes", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="OperatorSettings",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("runs_paused", models.BooleanField(default=False, help_text="Kill switch: refuse every new run users start (editor, API, re-runs). Runs already queued or running carry on: stop them from the execution list.", verbose_name="pause new runs")),
                ("pause_message", models.CharField(blank=True, help_text="Shown to users while runs are paused. Empty: a default message.", max_length=300)),
                ("price_per_compute_hour", models.DecimalField(decimal_places=4, default=Decimal("0.0500"), help_text="What an hour of charged compute (wall time in a sandbox) costs you.", max_digits=10)),
                ("price_per_gb_hour", models.DecimalField(decimal_places=4, default=Decimal("0.0100"), help_text="Per GiB of a run's peak memory, held for its wall time.", max_digits=10, verbose_name="price per GB-hour of memory")),
                ("price_per_run", models.DecimalField(decimal_places=6, default=Decimal("0.000100"), help_text="A flat cost per run that reached a sandbox (start-up, storage, traffic).", max_digits=10)),
                ("currency", models.CharField(default="$", max_length=8)),
                ("cost_goal_per_run", models.DecimalField(decimal_places=4, default=Decimal("0.1000"), help_text="The dashboard compares the average cost of a run with this.", max_digits=10)),
                ("error_rate_threshold", models.PositiveSmallIntegerField(default=5, help_text="Email operators when this share of finished runs ended in error or lost.", validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name="error rate alert (%)")),
                ("timeout_rate_threshold", models.PositiveSmallIntegerField(default=25, help_text="Email operators when this share of finished runs timed out.", validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name="timeout rate alert (%)")),
                ("alert_window_minutes", models.PositiveIntegerField(default=60, help_text="Rates are measured over the runs that finished in this many minutes.", validators=[django.core.validators.MinValueValidator(1)])),
                ("alert_min_runs", models.PositiveIntegerField(default=20, help_text="Fewer finished runs than this in the window never raise a rate alert.", validators=[django.core.validators.MinValueValidator(1)])),
                ("alert_emails", models.TextField(blank=True, help_text="Who gets operator alerts, one address per line. Empty: every active superuser with an email address.")),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name": "operator settings", "verbose_name_plural": "operator settings"},
        ),
        migrations.CreateModel(
            name="RateAlert",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("error_rate", "error rate"), ("timeout_rate", "timeout rate")], max_length=16, unique=True)),
                ("firing", models.BooleanField(default=False)),
                ("changed_at", models.DateTimeField(blank=True, null=True)),
                ("rate", models.FloatField(blank=True, help_text="At the last check, in %.", null=True)),
                ("runs", models.PositiveIntegerField(default=0, help_text="Finished runs in the last window.")),
                ("checked_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={"ordering": ["kind"]},
        ),
        migrations.CreateModel(
            name="QuotaAlert",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("period_start", models.DateTimeField()),
                ("limit", models.CharField(choices=[("executions", "executions"), ("compute", "compute time")], max_length=16)),
                ("level", models.PositiveSmallIntegerField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("emailed_at", models.DateTimeField(blank=True, null=True)),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="quota_alerts", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ["-created_at"],
                "constraints": [models.UniqueConstraint(fields=("user", "period_start", "limit", "level"), name="quota_alert_once")],
            },
        ),
        migrations.RunSQL(ACTIVE_INDEX, "DROP INDEX IF EXISTS operations_execution_active"),
    ]
