"""Forms parse and redisplay input; the rules themselves live in the services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from quotas.models import NetworkChoice
from sandboxes.limits import MAX_NAME_LENGTH


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the field it names (or above the form)."""
    messages = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, field_messages in messages.items():
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, message)


def error_messages(error: ValidationError) -> dict[str, list[str]]:
    """{field: [message, ...]} of a service error, for JSON answers."""
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}


class SandboxCreateForm(forms.Form):
    name = forms.CharField(
        max_length=MAX_NAME_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Data cleaning", "autocomplete": "off"}),
        error_messages={"required": "Give the sandbox a name."},
    )
    runtime = forms.ChoiceField(
        choices=(),
        error_messages={
            "required": "Choose a runtime.",
            "invalid_choice": "%(value)s is not a runtime of this server: pick one from the list.",
        },
    )

    def __init__(self, *args, runtimes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["runtime"].choices = [(r.id, r.label) for r in runtimes]


class SandboxRenameForm(forms.Form):
    name = forms.CharField(
        max_length=MAX_NAME_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Give the sandbox a name."},
    )


class FileCreateForm(forms.Form):
    path = forms.CharField(
        label="New file",
        max_length=255,
        error_messages={"required": "Name the new file, e.g. utils.py."},
        widget=forms.TextInput(
            attrs={"placeholder": "name, e.g. utils.py or data/input.csv", "autocomplete": "off"}
        ),
    )


class FileRenameForm(forms.Form):
    path = forms.CharField(widget=forms.HiddenInput)
    new_path = forms.CharField(
        label="New name",
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Give the file a name."},
    )


class FilePathForm(forms.Form):
    path = forms.CharField(widget=forms.HiddenInput)


class UploadField(forms.FileField):
    """One or several files from an <input type="file" multiple>."""

    def clean(self, data, initial=None):
        items = list(data) if isinstance(data, list | tuple) else [data]
        items = items or [None]  # nothing chosen: the "required" error
        cleaned = []
        for item in items:
            cleaned.append(super().clean(item, initial))
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesUploadForm(forms.Form):
    upload = UploadField(
        label="Upload files",
        widget=MultipleFileInput(attrs={"multiple": True}),
        error_messages={"required": "Choose one or more files to upload."},
    )
    extract = forms.BooleanField(required=False, initial=True, label="Unpack .zip archives")


class VariableForm(forms.Form):
    name = forms.CharField(
        max_length=128,
        error_messages={"required": "Name the variable, e.g. API_KEY."},
        widget=forms.TextInput(
            attrs={"placeholder": "NAME", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    value = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(
            attrs={"placeholder": "value", "autocomplete": "new-password"}, render_value=False
        ),
    )


class PackageForm(forms.Form):
    """A package spec to add (or, posted back from the list, one to remove)."""

    spec = forms.CharField(
        label="Package",
        error_messages={"required": "Name a package to add, e.g. requests or pandas==2.2.*."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class RunSettingsForm(forms.Form):
    """How Run starts the entry file: arguments as a shell would split them, stdin, and
    the vCPUs and memory its runs ask for (empty: the tier's default)."""

    args = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": 'e.g. --verbose "two words"', "autocomplete": "off",
                   "spellcheck": "false"}
        ),
    )  # fmt: skip
    stdin = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "spellcheck": "false",
                   "placeholder": "Empty: type input in the console while the program runs."}
        ),
    )  # fmt: skip

    vcpus = forms.IntegerField(
        label="vCPUs",
        required=False,
        min_value=1,
        error_messages={"invalid": "vCPUs is a whole number."},
    )
    memory_mb = forms.IntegerField(
        label="Memory (MiB)",
        required=False,
        min_value=1,
        error_messages={"invalid": "Memory is a whole number of MiB."},
    )


class NetworkForm(forms.Form):
    """A sandbox's network policy: the mode, and domains one per line. The rules (domain
    syntax, what the tier allows) are the service's."""

    # The service's error keys, and the field each is shown beside.
    SERVICE_FIELDS = {"network": "mode", "network.allow": "allow", "network.deny": "deny"}

    mode = forms.ChoiceField(
        choices=NetworkChoice.choices,
        error_messages={"required": "Choose a network.", "invalid_choice": "Choose a network."},
    )
    allow = forms.CharField(required=False, max_length=20_000, widget=forms.Textarea)
    deny = forms.CharField(required=False, max_length=20_000, widget=forms.Textarea)

    def add_service_errors(self, error: ValidationError) -> None:
        for key, messages in error.message_dict.items():
            for message in messages:
                self.add_error(self.SERVICE_FIELDS.get(key), message)
