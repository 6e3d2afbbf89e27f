"""Where a blob's bytes live: the "blobs" storage (STORAGE_URL), at ``ab/<digest>``.

Plain storage calls, no database: the services in blobs.services decide when to call them.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import Storage, storages

CHUNK_BYTES = 1024 * 1024
DIGEST = re.compile(r"[0-9a-f]{64}")


def blob_storage() -> Storage:
    return storages["blobs"]


def content_name(digest: str) -> str:
    return f"{digest[:2]}/{digest}"


def measure(content: bytes | BinaryIO) -> tuple[BinaryIO, str, int]:
    """(a stream at its start, SHA-256 hex digest, size) of bytes or a seekable file,
    read once in chunks (a large file is never held in memory whole)."""
    stream = io.BytesIO(content) if isinstance(content, bytes | bytearray | memoryview) else content
    stream.seek(0)
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return stream, digest.hexdigest(), size


def content_present(digest: str, size: int) -> bool:
    """Whether the content is stored whole (a write cut short leaves a shorter file)."""
    storage, name = blob_storage(), content_name(digest)
    try:
        return storage.exists(name) and storage.size(name) == size
    except FileNotFoundError:
        return False


def content_write(digest: str, stream: BinaryIO) -> None:
    blob_storage().save(content_name(digest), File(stream, name=digest))


def content_delete(digest: str) -> None:
    blob_storage().delete(content_name(digest))


def content_open(digest: str) -> File:
    return blob_storage().open(content_name(digest), "rb")


def content_read(digest: str) -> bytes:
    with content_open(digest) as file:
        return file.read()


def contents_listed() -> Iterator[tuple[str, str]]:
    """(digest, storage name) of every stored content; other names are left alone."""
    storage = blob_storage()
    try:
        folders, _ = storage.listdir("")
    except FileNotFoundError:  # the folder is made by the first write
        return
    for folder in sorted(folders):
        if not re.fullmatch(r"[0-9a-f]{2}", folder):
            continue
        for name in storage.listdir(folder)[1]:
            if DIGEST.fullmatch(name) and name.startswith(folder):
                yield name, f"{folder}/{name}"
