"""Variable values in a distributed job's arguments: sealed, opened only with the key and
only for the run they were sealed for."""

from __future__ import annotations

import uuid

import pytest

from sandboxes.secrets import SealBroken, env_open, env_seal

RUN = uuid.UUID("6c0f7a1e-0000-4000-8000-000000000001")
OTHER_RUN = uuid.UUID("6c0f7a1e-0000-4000-8000-000000000002")


def test_sealed_values_open_with_the_same_secret_key():
    sealed = env_seal({"API_KEY": "hunter2", "EMPTY": ""}, execution_id=RUN)

    assert "hunter2" not in sealed
    assert env_open(sealed, execution_id=RUN) == {"API_KEY": "hunter2", "EMPTY": ""}


def test_no_variables_seal_to_nothing():
    assert env_seal({}, execution_id=RUN) == ""
    assert env_open("", execution_id=RUN) == {}


def test_a_host_with_another_secret_key_cannot_open_them(settings):
    sealed = env_seal({"API_KEY": "hunter2"}, execution_id=RUN)
    settings.SECRET_KEY = "another-key-" + "x" * 50

    with pytest.raises(SealBroken, match="SECRET_KEY differs"):
        env_open(sealed, execution_id=RUN)


def test_a_rotated_secret_key_still_opens_jobs_sealed_before(settings):
    old = settings.SECRET_KEY
    sealed = env_seal({"API_KEY": "hunter2"}, execution_id=RUN)
    settings.SECRET_KEY = "the-new-key-" + "x" * 50
    settings.SECRET_KEY_FALLBACKS = [old]

    assert env_open(sealed, execution_id=RUN) == {"API_KEY": "hunter2"}


def test_values_sealed_for_one_run_cannot_be_replayed_for_another():
    # A job's sealed argument copied into another run's job (by someone who can write the
    # job table but has no SECRET_KEY) must not hand that run the first run's secrets.
    sealed = env_seal({"API_KEY": "hunter2"}, execution_id=RUN)

    with pytest.raises(SealBroken, match="another run"):
        env_open(sealed, execution_id=OTHER_RUN)
    assert env_open(sealed, execution_id=str(RUN)) == {"API_KEY": "hunter2"}
