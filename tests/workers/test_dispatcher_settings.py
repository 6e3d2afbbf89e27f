"""Choosing the dispatcher: inline by default; distributed only with PostgreSQL and Redis."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sandboxes import dispatch
from sandboxes.checks import check_dispatcher
from sandboxes.dispatch.inline import InlineDispatcher


@pytest.fixture
def fresh():
    dispatch.get_dispatcher.cache_clear()
    yield
    dispatch.get_dispatcher.cache_clear()


def test_the_inline_dispatcher_is_the_default(settings, fresh):
    assert settings.SANDBOX_DISPATCHER == "inline"
    assert isinstance(dispatch.get_dispatcher(), InlineDispatcher)
    assert check_dispatcher(None) == []


def test_distributed_is_refused_without_postgresql_and_redis(settings):
    settings.SANDBOX_DISPATCHER = "distributed"
    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

    assert [error.id for error in check_dispatcher(None)] == ["sandboxes.E002", "sandboxes.E003"]


def test_distributed_passes_the_check_with_postgresql_and_redis(settings):
    settings.SANDBOX_DISPATCHER = "distributed"
    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer"}}

    assert check_dispatcher(None) == []


def test_an_unknown_dispatcher_is_an_error(settings):
    settings.SANDBOX_DISPATCHER = "celery"

    assert [error.id for error in check_dispatcher(None)] == ["sandboxes.E001"]


def test_the_worker_command_refuses_to_run_for_the_inline_dispatcher():
    with pytest.raises(CommandError, match="not 'distributed'"):
        call_command("sandbox_worker", "--concurrency", "1", skip_checks=True)


def test_a_stall_window_of_few_heartbeats_is_warned_about(settings):
    settings.SANDBOX_DISPATCHER = "distributed"
    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer"}}
    settings.SANDBOX_WORKER_HEARTBEAT_SECONDS = 10
    settings.SANDBOX_WORKER_STALL_SECONDS = 15

    assert [warning.id for warning in check_dispatcher(None)] == ["sandboxes.W004"]
