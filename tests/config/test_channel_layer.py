"""The Redis channel layer keeps waiting for a quiet channel: a live-output socket whose run
prints nothing for a while must not die of its own connection's read timeout."""

from __future__ import annotations

import asyncio

import pytest
from channels_redis.core import RedisChannelLayer
from django.conf import settings

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="the Redis channel layer only")


async def test_a_receive_outlasts_the_layers_blocking_pop():
    layer = RedisChannelLayer(**settings.CHANNEL_LAYERS["default"]["CONFIG"])
    layer.brpop_timeout = 6  # a pop longer than redis-py's default 5 s socket timeout
    channel = await layer.new_channel()

    async def send_late():
        await asyncio.sleep(5.5)
        await layer.send(channel, {"type": "late.message"})

    sender = asyncio.create_task(send_late())
    message = await asyncio.wait_for(layer.receive(channel), timeout=60)
    await sender

    assert message == {"type": "late.message"}
