"""File descriptors the engine holds for a while (the pipes a sandbox waits on)."""

from __future__ import annotations

import contextlib
import os


def close_quietly(fd: int) -> None:
    """Close `fd`, ignoring an error: clean-up carries on whatever the close says."""
    with contextlib.suppress(OSError):
        os.close(fd)
