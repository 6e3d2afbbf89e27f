"""Sandbox start-up cost: hello world, bare interpreter vs sandboxed, in the same process.

    sudo .venv/bin/python bench/sandbox_startup.py [--runs 20] [--no-gvisor]

For each runtime it prints the median wall time of the bare interpreter (started with
subprocess, as the baseline) and of a full sandboxed run (tmpfs workspace, cgroups,
seccomp, namespaces, output streaming, collecting files), the overhead in ms, their
ratio, and peak memory (bare: the child's max RSS; sandboxed: the run's cgroup peak).
Goal for bubblewrap: <= 10 ms or <= 1.3x over the bare interpreter.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from sandboxes.engine import RunSpec  # noqa: E402
from sandboxes.engine.runtimes import ENTRY_FILES  # noqa: E402
from sandboxes.engine_config import get_engine  # noqa: E402

PROGRAMS = {"python": b"print('hello')\n", "node": b"console.log('hello')\n"}


def bare(executable: str, source: bytes, name: str) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(source)
        started = time.perf_counter()
        pid = os.posix_spawn(
            executable,
            [executable, str(path)],
            {"PYTHONUNBUFFERED": "1"},
            file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)],
        )
        os.waitpid(pid, 0)
        return time.perf_counter() - started


def bare_peak_memory(executable: str, source: bytes, name: str) -> int:
    """The bare interpreter's peak, read the same way as a sandbox's: from a cgroup."""
    engine = get_engine()
    cgroup = engine.cgroups.create(f"{os.getpid()}-bench")
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(source)
            procs = " ".join(str(p) for p in cgroup.procs_files)
            script = f'for f in {procs}; do echo $$ > "$f"; done; exec "$@"'
            script += " >/dev/null"
            os.spawnv(os.P_WAIT, "/bin/sh", ["sh", "-c", script, "sh", executable, str(path)])
        return cgroup.usage().peak_memory_bytes
    finally:
        cgroup.remove()


async def sandboxed(runtime: str, source: bytes, name: str, isolation: str) -> tuple[float, int]:
    spec = RunSpec(runtime=runtime, files={name: source}, entry=name, isolation=isolation)
    started = time.perf_counter()
    result = await get_engine().run(spec, on_output=lambda stream, data: None)
    elapsed = time.perf_counter() - started
    assert result.ok, result
    return elapsed, result.peak_memory_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-gvisor", action="store_true")
    asyncio.run(measure(parser.parse_args()))


async def measure(args) -> None:
    engine = get_engine()
    await asyncio.to_thread(engine.prepare)
    backends = ["bwrap"] if args.no_gvisor else ["bwrap", "gvisor"]
    print(f"{args.runs} runs each; medians\n")
    header = f"{'runtime':<14}{'backend':<8}{'bare ms':>9}{'sandbox ms':>12}{'overhead':>10}"
    print(header + f"{'ratio':>7}{'bare MiB':>10}{'sandbox MiB':>13}")
    for language, source in PROGRAMS.items():
        name = ENTRY_FILES[language]
        runtime = engine.runtimes.default_for(language)
        if runtime is None:
            continue
        for backend in backends:
            executable = str(runtime.executable)
            await sandboxed(runtime.id, source, name, backend)  # warm caches
            base, boxed, peaks = [], [], []
            for _ in range(args.runs):  # interleaved, so load changes hit both alike
                base.append(bare(executable, source, name))
                elapsed, peak = await sandboxed(runtime.id, source, name, backend)
                boxed.append(elapsed)
                peaks.append(peak)
            base_s, boxed_s = statistics.median(base), statistics.median(boxed)
            base_peak = bare_peak_memory(executable, source, name)
            print(
                f"{runtime.label:<14}{backend:<8}{base_s * 1e3:>9.1f}{boxed_s * 1e3:>12.1f}"
                f"{(boxed_s - base_s) * 1e3:>8.1f}ms{boxed_s / base_s:>6.2f}x"
                f"{base_peak / 2**20:>10.1f}{statistics.median(peaks) / 2**20:>13.1f}"
            )


if __name__ == "__main__":
    main()
