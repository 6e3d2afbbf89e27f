"""Structured logs: one JSON object per line, for log shippers (Loki, Elasticsearch, jq).

`JsonFormatter` is configured in settings for the "codesandboxes.events" logger (and for
every logger with LOG_FORMAT=json). `log_event` writes one event: what happened, plus the
fields an operator filters on (execution id, user id, worker).
"""

from __future__ import annotations

import json
import logging
import os
import socket
from datetime import UTC, datetime

EVENTS = logging.getLogger("codesandboxes.events")
PROCESS = f"{socket.gethostname()}:{os.getpid()}"
# What every LogRecord has; anything else on a record came from `extra=` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "process": PROCESS,
        }
        line.update((k, v) for k, v in vars(record).items() if k not in _STANDARD)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def log_event(event: str, *, level: int = logging.INFO, **fields) -> None:
    """log_event("run.finished", execution_id=..., user_id=..., status=...)."""
    EVENTS.log(level, event, extra={"event": event, **fields})
