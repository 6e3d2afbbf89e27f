"""A user's sandboxes (persistent workspaces) and the executions run in them."""

from sandboxes.models.execution import Execution, ExecutionShare, OutputChunk
from sandboxes.models.files import ExecutionFile, ExecutionInput, SandboxFile, StoredFile
from sandboxes.models.kill_switch import DEFAULT_PAUSE_MESSAGE, KillSwitch
from sandboxes.models.sandbox import EnvironmentVariable, Sandbox
from sandboxes.models.usage import PackageUsage, UsageDay

__all__ = [
    "DEFAULT_PAUSE_MESSAGE",
    "EnvironmentVariable",
    "Execution",
    "ExecutionFile",
    "ExecutionInput",
    "ExecutionShare",
    "KillSwitch",
    "OutputChunk",
    "PackageUsage",
    "Sandbox",
    "SandboxFile",
    "StoredFile",
    "UsageDay",
]
