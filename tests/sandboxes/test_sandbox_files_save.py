"""Saving several files at once (the editor's Save and Run): all of them, or none."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sandboxes.limits import MAX_FILE_BYTES, MAX_FILES
from sandboxes.services.workspaces import sandbox_create, sandbox_file_create, sandbox_files_save
from tests.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db


def contents(sandbox) -> dict[str, bytes]:
    return {f.path: f.read() for f in sandbox.files.all()}


def test_new_and_changed_files_are_written_together(sandbox):
    saved = sandbox_files_save(sandbox=sandbox, files={"main.py": b"print(1)", "lib/x.py": b"X"})

    assert [f.path for f in saved] == ["main.py", "lib/x.py"]
    assert contents(sandbox) == {"main.py": b"print(1)", "lib/x.py": b"X"}
    assert sandbox.files.get(path="lib/x.py").size == 1


def test_one_bad_file_saves_none_of_them(sandbox):
    before = contents(sandbox)

    with pytest.raises(ValidationError) as error:
        sandbox_files_save(
            sandbox=sandbox, files={"main.py": b"changed", "big.bin": bytes(MAX_FILE_BYTES + 1)}
        )

    assert "big.bin is" in error.value.message_dict["files"][0]
    assert contents(sandbox) == before


def test_replacing_files_does_not_count_against_the_file_limit(sandbox):
    sandbox_files_save(sandbox=sandbox, files={f"f{i}": b"" for i in range(MAX_FILES - 1)})

    sandbox_files_save(sandbox=sandbox, files={"main.py": b"print(2)", "f0": b"again"})

    assert sandbox.files.count() == MAX_FILES
    with pytest.raises(ValidationError, match="a sandbox may hold"):
        sandbox_files_save(sandbox=sandbox, files={"one-too-many": b""})


def test_the_storage_limit_counts_what_is_replaced_only_once(db):
    owner = UserFactory(tier=TierFactory(storage_bytes=100))
    sandbox = sandbox_create(owner=owner, name="Tiny", runtime="python")
    starter = sandbox.files.get().size

    sandbox_files_save(sandbox=sandbox, files={"main.py": bytes(100)})
    with pytest.raises(ValidationError, match="your tier allows 100"):
        sandbox_files_save(sandbox=sandbox, files={"other": b"x"})

    assert starter < 100
    assert sandbox.storage_bytes() == 100


def test_the_field_named_in_errors_can_be_chosen(sandbox):
    with pytest.raises(ValidationError) as error:
        sandbox_files_save(sandbox=sandbox, files={"../x": b""}, field="upload")

    assert list(error.value.message_dict) == ["upload"]


def test_creating_a_file_never_overwrites_one(sandbox):
    with pytest.raises(ValidationError, match="main.py already exists."):
        sandbox_file_create(sandbox=sandbox, path="main.py")

    assert sandbox_file_create(sandbox=sandbox, path="new.py").size == 0
