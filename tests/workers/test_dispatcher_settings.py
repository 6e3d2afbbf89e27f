"""Choosing the dispatcher: inline by default; distributed only with PostgreSQL and Redis."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sandboxes.checks import check_dispatcher, dispatcher_problems
from sandboxes.runs import dispatch
from sandboxes.runs.dispatch.inline import InlineDispatcher

POSTGRESQL = "django.db.backends.postgresql"
REDIS = "channels_redis.core.RedisChannelLayer"


def problems(**settings) -> list[str]:
    values = {
        "dispatcher": "distributed",
        "database_engine": POSTGRESQL,
        "channel_layer": REDIS,
        "heartbeat": 10,
        "stall": 60,
        **settings,
    }
    return [problem.id for problem in dispatcher_problems(**values)]


@pytest.fixture
def fresh():
    dispatch.get_dispatcher.cache_clear()
    yield
    dispatch.get_dispatcher.cache_clear()


def test_the_inline_dispatcher_is_the_default(settings, fresh):
    assert settings.SANDBOX_DISPATCHER == "inline"
    assert isinstance(dispatch.get_dispatcher(), InlineDispatcher)
    assert check_dispatcher(None) == []


def test_distributed_is_refused_without_postgresql_and_redis():
    assert problems(
        database_engine="django.db.backends.sqlite3",
        channel_layer="channels.layers.InMemoryChannelLayer",
    ) == ["sandboxes.E002", "sandboxes.E003"]


def test_distributed_passes_the_check_with_postgresql_and_redis():
    assert problems() == []


def test_an_unknown_dispatcher_is_an_error():
    assert problems(dispatcher="celery") == ["sandboxes.E001"]


def test_a_stall_window_of_few_heartbeats_is_warned_about():
    assert problems(heartbeat=10, stall=15) == ["sandboxes.W004"]


def test_the_built_in_secret_key_is_warned_about_since_it_seals_the_variables():
    # Anyone can read the built-in key in the source, and so open every job's variables.
    assert problems(secret_key="django-insecure-embedded-default-change-me") == ["sandboxes.W005"]
    assert problems(secret_key="a-real-key-" + "x" * 50) == []
    assert problems(dispatcher="inline", secret_key="django-insecure-x") == []


def test_the_worker_command_refuses_to_run_for_the_inline_dispatcher():
    with pytest.raises(CommandError, match="not 'distributed'"):
        call_command("sandbox_worker", "--concurrency", "1", skip_checks=True)
