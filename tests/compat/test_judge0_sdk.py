"""The official Judge0 Python SDK (PyPI `judge0`), unchanged, against this server's Judge0
API served by Daphne: what a Judge0 user gets by changing the base URL and the token."""

from __future__ import annotations

import judge0
import pytest
from judge0 import LanguageAlias, Status, Submission

from harness.appserver import AppServer
from tests.compat.served import served_runs_used_up, served_token

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(180)]


def sdk_client(server: AppServer, username: str, tier: str) -> judge0.Client:
    secret = served_token(server, username, tier)
    return judge0.Client(f"{server.url}/judge0", headers={"X-Auth-Token": secret})


@pytest.fixture(scope="module")
def client(server) -> judge0.Client:
    return sdk_client(server, "sdk", "enterprise")


def test_run_waits_for_the_result(client):
    result = judge0.run(client=client, source_code="print('hello')", language=LanguageAlias.PYTHON)

    assert result.status == Status.ACCEPTED
    assert result.stdout == "hello\n"
    assert result.time is not None and result.memory > 0
    assert result.token is not None


def test_async_run_is_polled_until_done(client):
    submission = judge0.async_run(
        client=client, source_code="console.log('later')", language=LanguageAlias.JAVASCRIPT
    )
    assert submission.token is not None

    judge0.wait(client=client, submissions=submission)

    assert submission.status == Status.ACCEPTED
    assert submission.stdout == "later\n"


def test_a_batch_runs_every_submission(client):
    submissions = [
        Submission(source_code=f"print({n} * {n})", language=LanguageAlias.PYTHON) for n in range(3)
    ]

    results = judge0.run(client=client, submissions=submissions)

    assert [result.stdout for result in results] == ["0\n", "1\n", "4\n"]


def test_stdin_and_non_ascii_text_go_through_base64(client):
    result = judge0.run(
        client=client,
        source_code="print(input().upper(), '→')",
        stdin="héllo",
        language=LanguageAlias.PYTHON,
    )

    assert result.stdout == "HÉLLO →\n"


def test_expected_output_is_accepted_or_a_wrong_answer(client):
    results = judge0.run(
        client=client,
        source_code="print(int(input()) ** 2)",
        language=LanguageAlias.PYTHON,
        test_cases=[("3", "9"), ("4", "15")],
    )

    assert [result.status for result in results] == [Status.ACCEPTED, Status.WRONG_ANSWER]


def test_a_time_limit_ends_a_program_that_runs_too_long(client):
    result = judge0.run(
        client=client,
        source_code="while True: pass",
        language=LanguageAlias.PYTHON,
        cpu_time_limit=1,
    )

    assert result.status == Status.TIME_LIMIT_EXCEEDED


def test_typescript_runs(client):
    result = judge0.run(
        client=client,
        source_code="const n: number = 21\nconsole.log(n * 2)",
        language=LanguageAlias.TYPESCRIPT,
    )

    assert result.stdout == "42\n"


def test_a_used_up_quota_is_refused_with_429(server):
    client = sdk_client(server, "sdk-free", "free")
    served_runs_used_up(server, "sdk-free")
    submission = Submission(source_code="print(1)", language=LanguageAlias.PYTHON)

    # The SDK's own request, sent with its own HTTP client: the SDK itself turns a 429
    # from any server but its cloud's into None, which judge0.run then fails on.
    response = client.client.post(
        "/submissions", json=submission.as_body(client), headers=client.headers
    )

    assert response.status_code == 429
    assert response.json()["error"].startswith("Monthly executions used up")
    assert int(response.headers["Retry-After"]) > 0
