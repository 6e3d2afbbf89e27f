"""Stored contents served a block at a time: downloads never hold a whole file in memory.

Django serves a streaming response's *synchronous* iterator under ASGI by reading it whole
into a list first (StreamingHttpResponse.__aiter__), which would load a 100 MB file into
the web process. These responses read each block in a thread instead.
"""

from __future__ import annotations

import asyncio
import io
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator

from django.core.files import File
from django.http import FileResponse, StreamingHttpResponse

BLOCK_BYTES = 256 * 1024


class _BlockByBlock:
    async def __aiter__(self):
        blocks = iter(self.streaming_content)
        while (block := await asyncio.to_thread(next, blocks, None)) is not None:
            yield block


class StoredFileResponse(_BlockByBlock, FileResponse):
    """A FileResponse over a stored file (FileSystemStorage or S3 alike)."""

    block_size = BLOCK_BYTES


class StreamedResponse(_BlockByBlock, StreamingHttpResponse):
    """A StreamingHttpResponse whose blocks are made in a thread each."""


class _Blocks(io.RawIOBase):
    """What a zipfile writes, taken out as blocks (not seekable: zipfile then writes a
    data descriptor after each member instead of going back to its header)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> Iterator[bytes]:
        parts, self.parts = self.parts, []
        if parts:
            yield b"".join(parts)


def zip_stream(members: Iterable[tuple[str, int, Callable[[], File]]]) -> Iterator[bytes]:
    """A zip archive of (name, size, open) members, made as it is sent: one block of one
    member in memory at a time."""
    sink = _Blocks()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, size, opener in members:
            info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = size
            with opener() as source, archive.open(info, "w") as target:
                while block := source.read(BLOCK_BYTES):
                    target.write(block)
                    yield from sink.take()
            yield from sink.take()
    yield from sink.take()
