"""Model fields for values that must not be readable in the database itself."""

from __future__ import annotations

from django.db import models

from sandboxes.secrets import text_open, text_seal


class SealedTextField(models.TextField):
    """Text stored sealed (Fernet, keyed from SECRET_KEY): the column, a dump or a backup
    holds only ciphertext; the model reads and writes plain text. It cannot be searched."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value is None else text_seal(value)

    def from_db_value(self, value, expression, connection):
        return value if value is None else text_open(value)
