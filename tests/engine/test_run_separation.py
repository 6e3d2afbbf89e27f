"""Runs share nothing: not /tmp, not a workspace, finished or still running."""

from __future__ import annotations

import secrets
import threading

import pytest

from sandboxes.engine import CancelToken

from .attacks import NOT_REACHABLE, OneOf, attempts, make_spec, python_probe

pytestmark = pytest.mark.sandbox
ATTACKS_WITH_NETWORK = True  # each case also with network `internet` (conftest.py)

LOOK_FOR = """\
import os
print("tmp holds", sorted(os.listdir("/tmp")))
print("workspace holds", sorted(os.listdir("/workspace")))
print("found" if os.path.exists(PATH) else "absent")
"""


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_tmp_is_not_shared_between_runs(run, runtime):
    name = f"/tmp/marker-{secrets.token_hex(6)}"
    writer = {
        "python": f"open({name!r}, 'w').write('left behind')\nprint('written')\n",
        "node": f"require('fs').writeFileSync({name!r}, 'left behind');\nconsole.log('written');\n",
    }[runtime]

    first = run(writer, runtime)
    second = run(LOOK_FOR.replace("PATH", repr(name)))

    assert first.stdout == "written\n", first.stderr
    assert second.stdout.splitlines() == ["tmp holds []", "workspace holds ['main.py']", "absent"]


def test_the_workspace_of_a_finished_run_is_not_visible_to_the_next(run):
    first = run("open('secret.txt', 'w').write('mine')\n")
    second = run(LOOK_FOR.replace("PATH", repr("/workspace/secret.txt")))

    assert first.result.files == {"secret.txt": b"mine"}
    assert second.stdout.splitlines() == ["tmp holds []", "workspace holds ['main.py']", "absent"]


def test_a_run_cannot_reach_the_workspace_of_a_run_still_going(engine, run, isolation):
    secret = f"other-run-{secrets.token_hex(8)}"
    ready = threading.Event()
    stop = CancelToken()
    other = make_spec(
        f"import time\nopen('secret.txt', 'w').write({secret!r})\nprint('ready', flush=True)\n"
        "time.sleep(30)\n",
        isolation=isolation,
        timeout_seconds=20,
    )
    other_run = threading.Thread(
        target=engine.run_sync, args=(other, lambda _s, _d: ready.set(), stop)
    )
    other_run.start()
    try:
        assert ready.wait(10), "the other run did not start"
        (host_path,) = [
            path
            # bubblewrap's workspaces are in <scratch>/runs, gVisor's in <scratch>/gvisor/runs
            for runs in (
                engine.config.scratch_dir / "runs",
                engine.config.scratch_dir / "gvisor/runs",
            )
            for path in runs.glob("*/fs/workspace/secret.txt")
            if path.read_text() == secret
        ]
        probe = python_probe(
            f"attempt('read', lambda: open({str(host_path)!r}).read())\n"
            f"attempt('list', lambda: __import__('os').listdir({str(host_path.parent)!r}))\n"
        )

        outcome = run(probe)
    finally:
        stop.cancel()
        other_run.join()

    assert attempts(outcome.stdout) == {
        "read": OneOf(NOT_REACHABLE),
        "list": OneOf(NOT_REACHABLE),
    }, outcome.stderr
    assert secret not in outcome.stdout
