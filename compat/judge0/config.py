"""Judge0's `/about` and `/config_info`: what this server is, and the caller's limits."""

from __future__ import annotations

from django.conf import settings

from quotas.selectors import quota_get

# The Judge0 CE API version these endpoints follow. Its official SDK picks language ids
# for its aliases by this version: 1.13.1's are 71 (Python), 63 (JavaScript), 74 (TypeScript).
API_VERSION = "1.13.1"


def judge0_about() -> dict:
    return {
        "version": API_VERSION,
        "homepage": "https://github.com/judge0/judge0",
        "source_code": "https://github.com/judge0/judge0",
        "maintainer": "Code Sandboxes (a Judge0 CE compatible API)",
    }


def judge0_config(*, user) -> dict:
    """Judge0's configuration fields, with the caller's tier's limits."""
    tier = quota_get(user=user).limits
    longest = float(tier.max_run_seconds)
    default = float(min(settings.SANDBOX_DEFAULT_TIMEOUT, tier.max_run_seconds))
    memory_kb, most_kb = tier.memory_mb_default * 1024, tier.memory_mb_max * 1024
    return {
        "maintenance_mode": False,
        "enable_wait_result": True,
        "enable_compiler_options": False,
        "allowed_languages_for_compile_options": [],
        "enable_command_line_arguments": True,
        "enable_submission_delete": False,
        "enable_callbacks": False,
        "callbacks_max_tries": 0,
        "callbacks_timeout": 0.0,
        "enable_additional_files": True,
        "max_queue_size": tier.max_concurrent_runs,
        "cpu_time_limit": default,
        "max_cpu_time_limit": longest,
        "cpu_extra_time": 0.0,
        "max_cpu_extra_time": 0.0,
        "wall_time_limit": default,
        "max_wall_time_limit": longest,
        "memory_limit": memory_kb,
        "max_memory_limit": most_kb,
        "stack_limit": memory_kb,
        "max_stack_limit": most_kb,
        "max_processes_and_or_threads": 0,
        "max_max_processes_and_or_threads": 0,
        "enable_per_process_and_thread_time_limit": False,
        "allow_enable_per_process_and_thread_time_limit": False,
        "enable_per_process_and_thread_memory_limit": False,
        "allow_enable_per_process_and_thread_memory_limit": False,
        "max_file_size": tier.storage_bytes // 1024,
        "max_max_file_size": tier.storage_bytes // 1024,
        "number_of_runs": 1,
        "max_number_of_runs": 1,
        "redirect_stderr_to_stdout": False,
        "max_extract_size": tier.storage_bytes // 1024,
        "enable_batched_submissions": True,
        "max_submission_batch_size": 20,
        "submission_cache_duration": 0.0,
        "use_docs_as_homepage": False,
        "allow_enable_network": False,
        "enable_network": False,
    }
