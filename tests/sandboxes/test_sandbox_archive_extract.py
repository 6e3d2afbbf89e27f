"""Unpacking an uploaded zip archive into a sandbox: every file or none, never outside it."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest
from django.core.exceptions import ValidationError

from sandboxes.limits import (
    MAX_ARCHIVE_BYTES,
    MAX_ARCHIVE_UNPACKED_BYTES,
    MAX_FILE_BYTES,
    MAX_FILES,
)
from sandboxes.services.workspaces import sandbox_archive_extract, sandbox_create
from tests.factories import TierFactory, UserFactory

pytestmark = pytest.mark.django_db


def archive(*members: tuple[str | zipfile.ZipInfo, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, content in members:
            bundle.writestr(name, content)
    buffer.seek(0)
    return buffer


def extract(sandbox, buffer: io.BytesIO, size: int | None = None):
    size = len(buffer.getvalue()) if size is None else size
    return sandbox_archive_extract(sandbox=sandbox, archive=buffer, size=size)


def paths(sandbox) -> set[str]:
    return set(sandbox.files.values_list("path", flat=True))


def refusal(sandbox, buffer: io.BytesIO, size: int | None = None) -> str:
    with pytest.raises(ValidationError) as error:
        extract(sandbox, buffer, size)
    return error.value.message_dict["upload"][0]


def test_files_and_folders_are_unpacked_and_existing_names_replaced(sandbox):
    saved = extract(
        sandbox,
        archive(("main.py", b"print('new')"), ("data/in.csv", b"a,b"), ("data/", b"")),
    )

    assert sorted(f.path for f in saved) == ["data/in.csv", "main.py"]
    assert paths(sandbox) == {"main.py", "data/in.csv"}
    assert sandbox.files.get(path="main.py").read() == b"print('new')"


def test_a_leading_dot_slash_and_macos_metadata_are_tidied_away(sandbox):
    extract(
        sandbox,
        archive(("./app.py", b"1"), ("__MACOSX/._app.py", b"junk"), ("lib/.DS_Store", b"junk")),
    )

    assert paths(sandbox) == {"main.py", "app.py"}


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../outside.py", "must not contain '..'"),
        ("lib/../../outside.py", "must not contain '..'"),
        ("/etc/cron.d/evil", "must be relative"),
        ("windows\\path.py", "is not a valid path"),
    ],
)
def test_a_name_that_escapes_the_workspace_refuses_the_whole_archive(sandbox, name, reason):
    message = refusal(sandbox, archive(("fine.py", b"1"), (name, b"x")))

    assert reason in message
    assert paths(sandbox) == {"main.py"}


def test_a_symbolic_link_is_refused(sandbox):
    link = zipfile.ZipInfo("passwd")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16

    message = refusal(sandbox, archive((link, b"/etc/passwd")))

    assert message == "passwd is a link; archives may only hold files."
    assert paths(sandbox) == {"main.py"}


def test_an_encrypted_member_is_refused(sandbox):
    # zipfile writes no encrypted archives: set the "encrypted" flag of the one member in
    # its local header and in the central directory by hand.
    data = bytearray(archive(("secret.txt", b"x")).getvalue())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.index(signature) + flags_at] |= 0x1

    message = refusal(sandbox, io.BytesIO(bytes(data)))

    assert message == "Encrypted archives cannot be unpacked."


def test_too_many_files_are_refused_before_anything_is_read(sandbox):
    members = [(f"f{i}.txt", b"") for i in range(MAX_FILES + 1)]

    message = refusal(sandbox, archive(*members))

    assert message == f"The archive holds {MAX_FILES + 1} files; a sandbox may hold {MAX_FILES}."


def test_a_member_over_the_file_size_limit_is_refused(sandbox):
    bomb = archive(("zeros.bin", bytes(MAX_FILE_BYTES + 1)))
    assert len(bomb.getvalue()) < 10_000  # it compresses to almost nothing

    message = refusal(sandbox, bomb)

    assert (
        message == f"zeros.bin is {MAX_FILE_BYTES + 1:,} bytes; a file may hold {MAX_FILE_BYTES:,}."
    )


def test_an_archive_unpacking_past_the_total_limit_is_refused(sandbox):
    count = MAX_ARCHIVE_UNPACKED_BYTES // MAX_FILE_BYTES + 1
    members = [(f"part{i}.bin", bytes(MAX_FILE_BYTES)) for i in range(count)]

    message = refusal(sandbox, archive(*members))

    assert message == f"The archive unpacks to more than {MAX_ARCHIVE_UNPACKED_BYTES:,} bytes."
    assert paths(sandbox) == {"main.py"}


def test_an_archive_over_the_upload_limit_is_refused_unread(sandbox):
    message = refusal(sandbox, io.BytesIO(b"never read"), size=MAX_ARCHIVE_BYTES + 1)

    assert message == (
        f"The archive is {MAX_ARCHIVE_BYTES + 1:,} bytes; archives may be {MAX_ARCHIVE_BYTES:,}."
    )


def test_something_that_is_not_a_zip_archive_is_refused(sandbox):
    message = refusal(sandbox, io.BytesIO(b"just text"))

    assert message == "This is not a zip archive (or it is damaged)."


def test_an_empty_archive_is_refused(sandbox):
    assert refusal(sandbox, archive()) == "The archive holds no files."


def test_the_tiers_storage_limit_applies_to_the_whole_archive(db):
    owner = UserFactory(tier=TierFactory(storage_bytes=1_000))
    sandbox = sandbox_create(owner=owner, name="Small", runtime="python")

    message = refusal(sandbox, archive(("a.bin", bytes(600)), ("b.bin", bytes(600))))

    assert "your tier allows 1,000" in message
    assert paths(sandbox) == {"main.py"}
