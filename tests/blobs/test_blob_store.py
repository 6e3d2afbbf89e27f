"""Contents are stored once, by digest, in the configured storage (a folder, or a bucket
of a real S3-compatible server)."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from blobs.contents import (
    blob_storage,
    content_name,
    content_present,
    content_read,
    content_write,
)
from blobs.models import Blob
from blobs.services import blob_store, blobs_release, blobs_store

pytestmark = pytest.mark.django_db


def test_identical_contents_are_stored_once_under_their_digest(blob_backend):
    first = blob_store(b"print('hello')\n")
    second = blob_store(b"print('hello')\n")

    assert first.pk == second.pk == hashlib.sha256(b"print('hello')\n").hexdigest()
    assert Blob.objects.count() == 1
    assert content_read(first.digest) == b"print('hello')\n"
    assert first.size == 15


def test_a_file_is_read_in_chunks_and_stored_whole(blob_backend, tmp_path):
    data = os.urandom(3 * 1024 * 1024 + 17)
    source = tmp_path / "big.bin"
    source.write_bytes(data)

    with source.open("rb") as stream:
        blob = blob_store(stream)

    assert blob.size == len(data)
    assert content_read(blob.digest) == data


def test_a_content_cut_short_by_a_crash_is_written_again(blob_backend):
    # A crash while writing leaves part of the content and no row: the next store of the
    # same bytes writes it whole.
    content_write(hashlib.sha256(b"x" * 1000).hexdigest(), io.BytesIO(b"x" * 10))

    blob = blob_store(b"x" * 1000)

    assert content_present(blob.digest, 1000)
    assert content_read(blob.digest) == b"x" * 1000


def test_several_contents_are_stored_at_once(blob_backend):
    blobs = blobs_store({"a": b"one", "b": b"two", "c": b"one"})

    assert blobs["a"].pk == blobs["c"].pk != blobs["b"].pk
    assert Blob.objects.count() == 2
    assert content_read(blobs["b"].digest) == b"two"


def test_an_unreferenced_blob_is_released_content_first(blob_backend):
    blob = blob_store(b"gone soon")

    assert blobs_release([blob.digest]) == 1

    assert not Blob.objects.filter(pk=blob.pk).exists()
    assert not blob_storage().exists(content_name(blob.digest))


def test_filesystem_contents_are_owner_only(settings):
    blob = blob_store(b"secret")
    path = blob_storage().path(content_name(blob.digest))

    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(os.path.dirname(path)).st_mode & 0o777 == 0o700
