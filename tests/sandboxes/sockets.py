"""A run's websocket in tests: start a Python run, open its socket as someone, and read
its messages until a state (the exit, a printed text) comes."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from sandboxes.models import Execution
from sandboxes.runs.start import execution_start
from tests.waiting import receive_until


async def start(user, code: bytes, **kwargs) -> Execution:
    """A Python run of `code` as main.py, started (and dispatched) as the editor would."""
    return await database_sync_to_async(execution_start)(
        user=user, runtime="python", files={"main.py": code}, entry="main.py", **kwargs
    )


def socket(user, execution: Execution, *, after: int | str = 0, stdin: bool = False):
    """The run's socket as `user`'s page opens it (same-site Origin), not yet connected."""
    query = f"?after={after}" + ("&stdin=1" if stdin else "")
    communicator = WebsocketCommunicator(
        application,
        f"/ws/executions/{execution.pk}/{query}",
        headers=[(b"origin", b"http://localhost"), (b"host", b"localhost")],
    )
    communicator.scope["user"] = user
    return communicator


def printed(messages: list[dict]) -> str:
    return "".join(chunk[2] for m in messages if m["event"] == "output" for chunk in m["chunks"])


async def until_event(communicator, event: str, **fields) -> list[dict]:
    """Messages up to the first `event` message (with these fields, if given)."""

    def came(messages: list[dict]) -> bool:
        return (
            bool(messages)
            and messages[-1]["event"] == event
            and all(messages[-1].get(name) == value for name, value in fields.items())
        )

    return await receive_until(communicator, came)


async def until_exit(communicator) -> list[dict]:
    return await until_event(communicator, "exit")


async def until_printed(communicator, text: str) -> list[dict]:
    """Messages until the output so far holds `text` (a print may come in several parts)."""
    return await receive_until(communicator, lambda messages: text in printed(messages))
