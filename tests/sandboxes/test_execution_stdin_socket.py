"""Typing into an interactive run over its websocket: the owner alone; closing the page
closes stdin."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from sandboxes.models import OutputChunk
from tests.sandboxes.sockets import printed, socket, start, until_event, until_exit, until_printed

pytestmark = [pytest.mark.sandbox, pytest.mark.django_db(transaction=True)]

READ_ALL = b"import sys\nprint('ready', flush=True)\nprint(repr(sys.stdin.read()))\n"


async def test_a_line_typed_reaches_the_program_and_closing_the_page_ends_its_input(
    live_dispatcher, owner
):
    execution = await start(owner, READ_ALL, interactive=True)
    page = socket(owner, execution, stdin=True)
    assert (await page.connect(timeout=15))[0]
    await until_printed(page, "ready\n")

    await page.send_json_to({"action": "stdin", "data": "typed line\n"})
    await until_printed(page, "typed line")
    await page.disconnect(timeout=10)  # the tab closed: end-of-file (its handler may take a while)

    watcher = socket(owner, execution)
    assert (await watcher.connect(timeout=15))[0]
    events = await until_exit(watcher)
    assert events[-1]["status"] == "succeeded"
    assert printed(events) == "ready\ntyped line\n'typed line\\n'\n"
    streams = await database_sync_to_async(
        lambda: list(OutputChunk.objects.filter(execution=execution).values_list("stream", "data"))
    )()
    assert ("stdin", "typed line\n") in streams
    await watcher.disconnect(timeout=15)


async def test_a_run_that_is_not_interactive_refuses_typed_input(live_dispatcher, owner):
    execution = await start(owner, b"import time\ntime.sleep(60)\n")  # cancelled at the end
    page = socket(owner, execution)
    assert (await page.connect(timeout=15))[0]
    await until_event(page, "status", status="running")

    await page.send_json_to({"action": "stdin", "data": "x\n"})

    refusal = await until_event(page, "stdin")
    assert refusal[-1]["accepted"] is False
    assert "interactive" in refusal[-1]["error"]
    await page.send_json_to({"action": "cancel"})
    await page.disconnect(timeout=15)


async def test_another_user_cannot_open_the_socket_to_write(live_dispatcher, owner, other_user):
    execution = await start(owner, READ_ALL, interactive=True)
    page = socket(other_user, execution, stdin=True)

    connected, code = await page.connect(timeout=15)

    assert not connected and code == 4404
    owner_page = socket(owner, execution)
    await owner_page.connect(timeout=15)
    await until_printed(owner_page, "ready\n")
    await owner_page.send_json_to({"action": "cancel"})
    events = await until_exit(owner_page)
    assert events[-1]["status"] == "cancelled"  # still waiting for input: nobody closed it
    await owner_page.disconnect(timeout=15)
