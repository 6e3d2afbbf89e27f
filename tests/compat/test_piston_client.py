"""A published Piston client (PyPI `aiopyston`), unchanged, against this server's Piston API
served by Daphne: what a Piston user gets by changing the base URL and the token."""

from __future__ import annotations

import pytest
from pyston import File, PystonClient
from pyston.exceptions import ExecutionError, TooManyRequests

from harness.appserver import AppServer
from tests.compat.served import served_runs_used_up, served_token

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def token(server) -> str:
    return served_token(server, "pyston")


async def execute(server: AppServer, token: str, *args, **kwargs):
    client = PystonClient(api_key=token, base_url=f"{server.url}/piston/api/v2/")
    try:
        return await client.execute(*args, **kwargs)
    finally:
        await client.close_session()


async def test_its_runtimes_name_what_we_run(server, token):
    client = PystonClient(api_key=token, base_url=f"{server.url}/piston/api/v2/")
    try:
        languages = await client.languages()
        python = await client.get_runtimes("py")
    finally:
        await client.close_session()

    assert {"python", "javascript"} <= languages
    assert python[0].language == "python" and python[0].version.startswith("3.")


async def test_it_runs_a_program_with_stdin_and_args(server, token):
    code = "import sys\nprint(input().upper(), sys.argv[1:])\n"

    output = await execute(
        server, token, "python", [File(code, "main.py")], stdin="hi\n", args=["a", "b"]
    )

    assert output.success
    assert output.raw_json["run"]["stdout"] == "HI ['a', 'b']\n"
    assert output.raw_json["run"]["code"] == 0


async def test_a_program_over_its_run_timeout_is_killed(server, token):
    output = await execute(server, token, "python", [File("while True: pass\n")], run_timeout=1000)

    assert output.raw_json["run"]["signal"] == "SIGKILL"
    assert not output.success


async def test_a_program_over_its_memory_limit_is_killed(server, token):
    code = "x = b'x' * (200 * 1024 * 1024)\nprint('allocated')\n"

    output = await execute(server, token, "python", [File(code)], run_memory_limit=64 * 1024 * 1024)

    assert "allocated" not in output.raw_json["run"]["stdout"]
    assert not output.success


async def test_a_bad_language_is_the_clients_execution_error(server, token):
    with pytest.raises(ExecutionError, match="cobol"):
        await execute(server, token, "cobol", [File("DISPLAY 'HI'.")])


async def test_a_used_up_quota_is_the_clients_rate_limit_error(server):
    token = served_token(server, "spent", tier="free")  # enterprise runs are not counted
    served_runs_used_up(server, "spent")

    with pytest.raises(TooManyRequests):
        await execute(server, token, "python", [File("print(1)")])
