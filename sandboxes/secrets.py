"""Sealing secrets with a key derived from SECRET_KEY: a run's variable values on their
way to a worker on another host, and every variable value at rest (sandboxes/fields.py).

They are secrets: never stored in the execution, and never in plain text in the job queue.
They travel in the job's arguments sealed with a key derived from SECRET_KEY (which every
web and worker node shares; SECRET_KEY_FALLBACKS still open jobs sealed before a key
rotation), and the job row is deleted when the run ends.

Fernet is authenticated encryption (AES-CBC, then HMAC-SHA256 over it all), so a changed
argument does not open. What is sealed names the run it is for, and opening checks it: a
sealed argument copied into another run's job (by someone who can write the job table
but has no SECRET_KEY) does not give that run, and its owner's code, the secrets.
"""

from __future__ import annotations

import base64
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

from sandboxes.ids import ExecutionId

SALT = "sandboxes.dispatch.env"
# Variable values stored in the database (a dump or a backup shows only sealed text).
AT_REST_SALT = "sandboxes.variables.at_rest"


class SealBroken(Exception):
    """The sealed values cannot be opened here: this host's SECRET_KEY differs."""


def _fernet(salt: str = SALT) -> MultiFernet:
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet([Fernet(_key(secret, salt)) for secret in keys])


def _key(secret: str, salt: str) -> bytes:
    return base64.urlsafe_b64encode(
        salted_hmac(salt, "", secret=secret, algorithm="sha256").digest()
    )


def text_seal(text: str) -> str:
    """A value to store: sealed with the current SECRET_KEY (a fresh IV each time)."""
    return _fernet(AT_REST_SALT).encrypt(text.encode()).decode()


def text_open(sealed: str) -> str:
    try:
        return _fernet(AT_REST_SALT).decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise SealBroken(
            "A stored variable value cannot be opened: SECRET_KEY changed without the old "
            "key in SECRET_KEY_FALLBACKS."
        ) from None


def env_seal(env: dict[str, str], *, execution_id: ExecutionId) -> str:
    if not env:
        return ""
    sealed = {"execution": str(execution_id), "env": env}
    return _fernet().encrypt(json.dumps(sealed).encode()).decode()


def env_open(sealed: str, *, execution_id: ExecutionId) -> dict[str, str]:
    if not sealed:
        return {}
    try:
        opened = json.loads(_fernet().decrypt(sealed.encode()))
    except InvalidToken:
        raise SealBroken(
            "The run's variables cannot be opened on this worker: its SECRET_KEY differs "
            "from the web server's."
        ) from None
    if not isinstance(opened, dict) or opened.get("execution") != str(execution_id):
        raise SealBroken("These variables were sealed for another run: refused.")
    return opened["env"]
