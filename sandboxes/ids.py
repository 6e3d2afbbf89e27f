"""Identifiers shared by the models and the code beneath them (a plain module: the models'
own fields import what uses these)."""

from __future__ import annotations

import uuid

# A run's id: its UUID, or that UUID's text as it travels in a job's arguments, a URL or a
# channel name. Every function that takes a run by id takes this.
type ExecutionId = uuid.UUID | str
