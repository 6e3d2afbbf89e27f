"""Variable values are sealed at rest: the values already stored are sealed here (while
the column is still plain text to the historical model), then the field becomes sealed."""

from django.db import migrations

import sandboxes.fields
from sandboxes.secrets import text_open, text_seal


def seal_values(apps, schema_editor):
    Variable = apps.get_model("sandboxes", "EnvironmentVariable")
    for variable in Variable.objects.only("pk", "value").iterator():
        Variable.objects.filter(pk=variable.pk).update(value=text_seal(variable.value))


def open_values(apps, schema_editor):
    Variable = apps.get_model("sandboxes", "EnvironmentVariable")
    for variable in Variable.objects.only("pk", "value").iterator():
        Variable.objects.filter(pk=variable.pk).update(value=text_open(variable.value))


class Migration(migrations.Migration):
    dependencies = [
        ("sandboxes", "0006_network"),
    ]

    operations = [
        # Reversed, the field is plain again first, then the values are opened.
        migrations.RunPython(seal_values, open_values),
        migrations.AlterField(
            model_name="environmentvariable",
            name="value",
            field=sandboxes.fields.SealedTextField(),
        ),
    ]
