"""The components/schemas of the OpenAPI document."""

from __future__ import annotations

from api.openapi.parts import JSON, _nullable, _ref
from api.run_request import MAX_PACKAGES
from quotas.models import MIN_MEMORY_MB, NetworkChoice
from sandboxes.engine.network_policy import MAX_PATTERNS
from sandboxes.limits import (
    MAX_ARG_BYTES,
    MAX_ARGS,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_STDIN_BYTES,
    MAX_STDIN_WRITE_BYTES,
    MAX_VARIABLES,
)
from sandboxes.models import Execution


def schemas() -> dict:
    statuses = list(Execution.Status.values)
    end = {
        "type": "object",
        "required": ["executionId", "status", "exitCode", "duration", "error"],
        "properties": {
            "executionId": {"type": "string", "format": "uuid"},
            "status": {"type": "string", "enum": statuses},
            "exitCode": _nullable("integer", description="The program's exit code."),
            "signal": _nullable("integer", description="The signal that killed it, if any."),
            "duration": _nullable("integer", description="Wall time in milliseconds."),
            "error": _nullable(
                "string",
                description="Why it ended early, in words; and, when its network stopped it "
                "(no network, or a destination its policy refused), one line saying so.",
            ),
            "outputTruncated": {"type": "boolean"},
        },
    }
    summary = {
        "allOf": [
            _ref("ExecutionEnd"),
            {
                "type": "object",
                "properties": {
                    "runtime": {"type": "string", "examples": ["python3.13"]},
                    "runtimeVersion": _nullable("string"),
                    "timeout": {"type": "integer", "description": "Seconds the run may last."},
                    "createdAt": {"type": "string", "format": "date-time"},
                    "finishedAt": _nullable("string", format="date-time"),
                    "url": {"type": "string"},
                },
            },
        ]
    }
    result = {
        "allOf": [
            _ref("ExecutionSummary"),
            {
                "type": "object",
                "required": ["stdout", "stderr"],
                "properties": {
                    "stdout": {"type": "string"},
                    "stderr": {"type": "string"},
                    "cpuMs": _nullable("integer"),
                    "computeSecondsCharged": _nullable(
                        "integer",
                        description="Compute seconds charged to the quota, installs included.",
                    ),
                    "installSecondsCharged": {
                        "type": "integer",
                        "description": "Of those, the seconds spent installing its packages "
                        "(0 when they were cached).",
                    },
                    "peakMemoryBytes": _nullable("integer"),
                    "vcpus": _nullable(
                        "integer",
                        description="The vCPUs it was given (null: recorded "
                        "before runs had their own).",
                    ),
                    "memoryMb": _nullable("integer", description="Its memory limit, in MiB."),
                    "packages": {"type": "array", "items": {"type": "string"}},
                    "network": _ref("NetworkPolicy"),
                    "networkBytesIn": {
                        "type": "integer",
                        "description": "Bytes the run received over its network.",
                    },
                    "networkBytesOut": {
                        "type": "integer",
                        "description": "Bytes the run sent over its network.",
                    },
                    "networkBlockedCount": {
                        "type": "integer",
                        "description": "Connections and lookups its policy refused.",
                    },
                    "networkBlocked": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "The first refusals, in words: "
                        '"evil.example (not on the allow-list)".',
                    },
                    "timeline": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "status": {"type": "string", "enum": statuses},
                                "at": {"type": "string", "format": "date-time"},
                            },
                        },
                    },
                    "filesSkippedCount": {
                        "type": "integer",
                        "description": "Files the run wrote that were not kept: a name, "
                        "size or count over the sandbox's own rules.",
                    },
                    "filesSkipped": {
                        "type": "array",
                        "description": "The first of those, with why.",
                        "items": {
                            "type": "object",
                            "properties": {
                                "path": {"type": "string"},
                                "reason": {"type": "string"},
                            },
                        },
                    },
                    "files": {
                        "type": "array",
                        "description": "Files the run created or changed.",
                        "items": {
                            "type": "object",
                            "properties": {
                                "path": {"type": "string"},
                                "size": {"type": "integer"},
                                "url": {"type": "string"},
                            },
                        },
                    },
                },
            },
        ]
    }
    return {
        "RunRequest": {
            "type": "object",
            "required": ["code"],
            "additionalProperties": False,
            "properties": {
                "runtime": {
                    "type": "string",
                    "default": "python",
                    "description": '"python", "node", or a version id such as "python3.12".',
                    "examples": ["python", "node", "python3.12"],
                },
                "code": {
                    "type": "string",
                    "minLength": 1,
                    "description": "The entry file's content (main.py or index.js). "
                    f"At most {MAX_FILE_BYTES:,} bytes.",
                },
                "files": {
                    "type": "object",
                    "description": "More files: relative path -> text content "
                    f"(at most {MAX_FILES - 1}, {MAX_FILE_BYTES:,} bytes each).",
                    "additionalProperties": {"type": "string"},
                },
                "packages": {
                    "type": "array",
                    "maxItems": MAX_PACKAGES,
                    "items": {"type": "string"},
                    "description": "Packages to install before the run: PyPI specs for "
                    "Python (`pandas==2.*`), npm specs for Node (`zod@3`). No URLs, paths or "
                    "options. Installed once per set, then cached.",
                },
                "env": {
                    "type": "object",
                    "description": f"Environment variables (at most {MAX_VARIABLES}); "
                    "their values are never stored.",
                    "maxProperties": MAX_VARIABLES,
                    "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$", "maxLength": 128},
                    "additionalProperties": {"type": "string"},
                },
                "args": {
                    "type": "array",
                    "maxItems": MAX_ARGS,
                    "items": {"type": "string", "maxLength": MAX_ARG_BYTES},
                    "description": "Command-line arguments for the program (`sys.argv[1:]`, "
                    f"`process.argv.slice(2)`): at most {MAX_ARGS}, {MAX_ARG_BYTES:,} bytes each.",
                },
                "stdin": {
                    "type": "string",
                    "default": "",
                    "description": "Standard input, given to the program at its start (at "
                    f"most {MAX_STDIN_BYTES:,} bytes). Without `interactive`, the program then "
                    "reads end-of-file.",
                },
                "interactive": {
                    "type": "boolean",
                    "default": False,
                    "description": "Keep standard input open after `stdin`: write more with "
                    "`POST /api/executions/{id}/stdin` while the run goes, and close it there "
                    "with `eof` (it closes anyway when the run ends or times out).",
                },
                "streaming": {
                    "type": "boolean",
                    "default": False,
                    "description": "Answer with Server-Sent Events instead of the result.",
                },
                "timeout": {
                    "type": ["integer", "null"],
                    "minimum": 1,
                    "description": "Seconds; at most your tier's longest run (and the "
                    "compute time you have left).",
                },
                "network": {
                    "description": "What the run may reach: no network, the internet "
                    "(public addresses only), or only the domains of an allow-list "
                    "(`*.example.com` for every name under one), less those of a "
                    'deny-list (`{"deny": [...]}` alone: the internet but those). '
                    "Private, loopback and link-local addresses are always refused. "
                    "Absent or null: your tier's default; a policy wider than your tier "
                    "allows is a 400.",
                    "oneOf": [
                        {"type": "string", "enum": ["none", "internet"]},
                        _ref("NetworkPolicy"),
                        {"type": "null"},
                    ],
                    "examples": ["internet", {"allow": ["api.github.com", "*.pypi.org"]}],
                },
                "vcpus": {
                    "type": ["integer", "null"],
                    "minimum": 1,
                    "description": "vCPUs for the run: the program's CPU count "
                    "(`os.process_cpu_count()`, `os.availableParallelism()`) and the CPU time "
                    "it may use at once. Compute is charged in vCPU-seconds (wall time times "
                    "vCPUs). Absent or null: your tier's default; over your tier's most is "
                    "a 400 naming it.",
                },
                "memoryMb": {
                    "type": ["integer", "null"],
                    "minimum": MIN_MEMORY_MB,
                    "description": "The run's memory limit in MiB; a run over it ends as "
                    "`oom_killed`. Absent or null: your tier's default; over your tier's most "
                    "is a 400 naming it.",
                },
            },
        },
        "NetworkPolicy": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "mode": {"type": "string", "enum": list(NetworkChoice.values)},
                "allow": {
                    "type": "array",
                    "maxItems": MAX_PATTERNS,
                    "items": {"type": "string", "examples": ["api.example.com", "*.example.org"]},
                },
                "deny": {"type": "array", "maxItems": MAX_PATTERNS, "items": {"type": "string"}},
            },
        },
        "ExecutionEnd": end,
        "SseEvent": {
            "type": "object",
            "description": "One event of a text/event-stream answer (see its description).",
            "required": ["id", "data"],
            "properties": {
                "id": {"type": "string", "examples": ["7", "0-running", "7-succeeded"]},
                "event": {"type": "string", "const": "message"},
                "data": {
                    "type": "string",
                    "contentMediaType": JSON,
                    "contentSchema": _ref("StreamEvent"),
                },
            },
        },
        "StreamEvent": {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["type", "data"],
                    "properties": {
                        "type": {
                            "type": "string",
                            "enum": ["stdout", "stderr", "install", "stdin"],
                            "description": "`install`: the package installer's own lines "
                            "while the run is preparing; `stdin`: what was written to an "
                            "interactive run's standard input, as the program got it.",
                        },
                        "data": {"type": "string"},
                    },
                },
                {
                    "type": "object",
                    "required": ["type", "status"],
                    "properties": {
                        "type": {"const": "status"},
                        "status": {"type": "string", "enum": statuses},
                    },
                },
                {
                    "allOf": [
                        _ref("ExecutionEnd"),
                        {
                            "type": "object",
                            "required": ["type"],
                            "properties": {"type": {"type": "string", "enum": ["exit", "error"]}},
                        },
                    ]
                },
            ]
        },
        "ExecutionSummary": summary,
        "ExecutionResult": result,
        "ExecutionList": {
            "type": "object",
            "required": ["executions", "next"],
            "properties": {
                "executions": {"type": "array", "items": _ref("ExecutionSummary")},
                "next": _nullable("string", description="The next (older) page."),
            },
        },
        "StdinWrite": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "data": {
                    "type": "string",
                    "default": "",
                    "description": "Text for the program's standard input (include the "
                    f"newline to end a line); at most {MAX_STDIN_WRITE_BYTES:,} bytes.",
                },
                "eof": {
                    "type": "boolean",
                    "default": False,
                    "description": "Close standard input after `data`: the program reads "
                    "end-of-file.",
                },
            },
        },
        "StdinAccepted": {
            "type": "object",
            "properties": {
                "executionId": {"type": "string", "format": "uuid"},
                "accepted": {"type": "boolean"},
                "status": {"type": "string", "enum": statuses},
            },
        },
        "CancelAccepted": {
            "type": "object",
            "properties": {
                "executionId": {"type": "string", "format": "uuid"},
                "accepted": {"type": "boolean"},
                "status": {"type": "string", "enum": statuses},
            },
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {"type": "string"},
                "field": _nullable("string", description="The request field at fault."),
            },
        },
        "TooManyRequests": {
            "type": "object",
            "required": ["error", "limit"],
            "properties": {
                "error": {"type": "string"},
                "limit": {
                    "type": "string",
                    "enum": [
                        "monthly_executions",
                        "compute_seconds",
                        "concurrency",
                        "rate",
                        "login",
                    ],
                },
                "resetsAt": _nullable("string", format="date-time"),
                "executionId": _nullable(
                    "string", format="uuid", description="The refused run (kept as rejected)."
                ),
            },
        },
    }
