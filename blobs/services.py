"""Storing and releasing blobs. The order is what keeps storage and database in step:

- a content is written before the row that points at it is committed (`blob_store` runs
  in the caller's transaction, which then creates that row): a crash in between leaves
  content nobody points at, never a row pointing at nothing;
- it is deleted only once no row points at it (`blobs_release`, after the rows went), under
  the blob's row lock, content first: a crash in between leaves an unreferenced row.

Either leftover is what `manage.py sweep_blobs` removes (blobs.sweep).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import BinaryIO

from django.db import transaction

from blobs.contents import content_delete, content_write, measure
from blobs.models import Blob

logger = logging.getLogger(__name__)


@transaction.atomic
def blob_store(content: bytes | BinaryIO) -> Blob:
    """The blob holding `content` (bytes, or a seekable file read in chunks), written to
    storage unless its row exists. Call it in the transaction that creates the row
    pointing at the blob: the blob's row is locked until then, so it cannot be released
    meanwhile."""
    return blobs_store({None: content})[None]


@transaction.atomic(savepoint=False)
def blobs_store(contents: dict) -> dict:
    """`blob_store` for several contents at once ({key: content} -> {key: Blob}): the rows
    that exist are locked in one query; only contents without a row are written.

    A row exists only once its content was written whole (the content is written before
    the row is created, in this same order), so an existing row is trusted; content with
    no row, even a stored one, is written again (a crash may have cut it short)."""
    measured = {key: measure(content) for key, content in contents.items()}
    digests = {digest for _, digest, _ in measured.values()}
    blobs = {blob.pk: blob for blob in Blob.objects.select_for_update().filter(pk__in=digests)}
    for stream, digest, size in measured.values():
        if digest not in blobs:
            content_write(digest, stream)
            blobs[digest], _ = Blob.objects.get_or_create(digest=digest, defaults={"size": size})
    return {key: blobs[digest] for key, (_, digest, _) in measured.items()}


def blobs_release(digests: Iterable[str]) -> int:
    """Delete the blobs among `digests` that no row points at any more (content, then
    row); the number deleted. Each in a transaction of its own, under its row lock."""
    released = 0
    for digest in sorted(set(digests)):
        with transaction.atomic():
            blob = Blob.objects.select_for_update().filter(pk=digest).first()
            if blob is None or blob.is_referenced():
                continue
            content_delete(digest)
            blob.delete()
            released += 1
    return released


def blobs_release_on_commit(digests: Iterable[str]) -> None:
    """Release these blobs once the transaction that stopped pointing at them commits (a
    failure is logged: the sweep removes what is left)."""
    digests = [digest for digest in digests if digest]
    if digests:
        transaction.on_commit(partial(_release_logged, digests), robust=True)


def _release_logged(digests: list[str]) -> None:
    try:
        blobs_release(digests)
    except Exception:
        logger.exception("could not release %d blobs; `manage.py sweep_blobs` will", len(digests))
