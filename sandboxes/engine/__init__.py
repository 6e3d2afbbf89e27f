"""The sandbox engine: runs untrusted Python and Node.js programs in isolation.

Plain Python, no Django: configuration comes in as an EngineConfig, a run as a RunSpec,
and output leaves through a callback and a RunResult.
"""

from __future__ import annotations

from .cancel import CancelToken
from .config import EngineConfig
from .engine import Engine
from .errors import EngineError, EngineUnavailable, InvalidSpec, SandboxFailed
from .network_policy import Network, NetworkPolicy
from .runtimes import Runtime
from .spec import Isolation, Limits, RunResult, RunSpec, Status
from .stdin import InputStream

__all__ = [
    "CancelToken",
    "Engine",
    "EngineConfig",
    "EngineError",
    "EngineUnavailable",
    "InvalidSpec",
    "InputStream",
    "Isolation",
    "Limits",
    "Network",
    "NetworkPolicy",
    "RunResult",
    "RunSpec",
    "Runtime",
    "SandboxFailed",
    "Status",
]
