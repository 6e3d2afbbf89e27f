"""Variable values in a distributed job's arguments: sealed, opened only with the key."""

from __future__ import annotations

import pytest

from sandboxes.dispatch.secrets import SealBroken, env_open, env_seal


def test_sealed_values_open_with_the_same_secret_key():
    sealed = env_seal({"API_KEY": "hunter2", "EMPTY": ""})

    assert "hunter2" not in sealed
    assert env_open(sealed) == {"API_KEY": "hunter2", "EMPTY": ""}


def test_no_variables_seal_to_nothing():
    assert env_seal({}) == ""
    assert env_open("") == {}


def test_a_host_with_another_secret_key_cannot_open_them(settings):
    sealed = env_seal({"API_KEY": "hunter2"})
    settings.SECRET_KEY = "another-key-" + "x" * 50

    with pytest.raises(SealBroken, match="SECRET_KEY differs"):
        env_open(sealed)


def test_a_rotated_secret_key_still_opens_jobs_sealed_before(settings):
    old = settings.SECRET_KEY
    sealed = env_seal({"API_KEY": "hunter2"})
    settings.SECRET_KEY = "the-new-key-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = [old]

    assert env_open(sealed) == {"API_KEY": "hunter2"}
