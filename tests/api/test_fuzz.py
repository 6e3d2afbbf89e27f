"""Property-based fuzzing of the API against its own OpenAPI document (schemathesis):
whatever a client sends, the answer is never a server error and matches the document.

Requests go to the ASGI application in-process, on one event loop that also runs the
dispatcher, so requests that pass validation run real (short) programs.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.openapi import openapi
from config.asgi import application
from sandboxes.engine_config import get_engine
from tests.clients import token_for
from tests.factories import TierFactory, UserFactory
from tests.waiting import wait_for_runs_to_end

# From the document itself (loading it through the app would bind the dispatcher at import).
schema = schemathesis.openapi.from_dict(openapi())
schema.app = application

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def fuzz_token(fresh_dispatcher, settings):
    # Its bad tokens (checking that they get a 401) are not the guessing that locks out.
    settings.LOGIN_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT = 100_000
    user = UserFactory(
        username="fuzzer",
        tier=TierFactory(
            monthly_executions=None,
            compute_seconds=None,
            max_run_seconds=3,
            max_concurrent_runs=50,
            rate_limit_requests=100_000,  # the fuzzer is not the flood the limit is for
        ),
    )
    yield token_for(user)
    wait_for_runs_to_end()
    get_engine().close()


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_never_fails_whatever_it_is_sent(case, fuzz_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_token}"},
        # Every other check stays on (no 5xx, documented statuses, content types, headers
        # and bodies, invalid input refused). Input that fits the schema may still be
        # refused for what a schema cannot say: an unknown runtime or cursor, a path with
        # "..", a timeout over the user's tier.
        excluded_checks=[positive_data_acceptance],
    )
