"""Package environments: cold installs, the cost of a cached set, imports in and out.

    sudo .venv/bin/python bench/packages.py [--runs 20] [--skip-cold]

In one run it prints:
1. cold install time of `requests` and of `pandas`: uv in the install sandbox (empty cache,
   network through slirp4netns), uv on the host, and plain pip on the host, both with empty
   caches too (pip: --only-binary :all:, byte-compiled, like uv --no-build
   --compile-bytecode); ratios against sandboxed uv.
2. the extra wall time of a run whose package set is cached over a run with no packages
   (the same hello world; goal <= 30 ms);
3. `import pandas` inside the sandbox against the same files outside it (byte-compiled:
   goal close to 1x), and the same for a Node.js package (`require("lodash")`).
Medians; baselines measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from sandboxes.engine import Engine, RunSpec  # noqa: E402
from sandboxes.engine.runtimes import ENTRY_FILES, entry_file  # noqa: E402
from sandboxes.engine_config import engine_config, get_engine  # noqa: E402

PYPI = "https://pypi.org/simple"
PYTHON_TIMER = (
    "import time\nstarted = time.perf_counter()\nimport {module}\n"
    "print(f'{{(time.perf_counter() - started) * 1000:.2f}}')\n"
)
NODE_TIMER = (
    "const started = process.hrtime.bigint();\nrequire('{module}');\n"
    "console.log((Number(process.hrtime.bigint() - started) / 1e6).toFixed(2));\n"
)


def spec(runtime: str, code: str, packages: tuple[str, ...] = ()) -> RunSpec:
    name = entry_file(runtime)
    return RunSpec(runtime=runtime, files={name: code.encode()}, entry=name, packages=packages)


async def run(engine: Engine, run_spec: RunSpec) -> tuple[float, str]:
    output = bytearray()
    started = time.perf_counter()
    result = await engine.run(run_spec, on_output=lambda _stream, data: output.extend(data))
    elapsed = time.perf_counter() - started
    assert result.ok, (result, output.decode())
    return elapsed, output.decode()


def timed(command: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - started


async def cold_installs(python) -> list[tuple[str, float, float, float]]:
    rows = []
    config = engine_config()
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or "uv"
    for package in ("requests", "pandas"):
        folder = config.scratch_dir / f"bench-packages-{os.getpid()}"
        engine = Engine(dataclasses.replace(config, packages_dir=folder))
        try:
            await asyncio.to_thread(engine.prepare)
            elapsed, _ = await run(engine, spec(python.id, "pass", (package,)))
            engine.close()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        with tempfile.TemporaryDirectory() as target, tempfile.TemporaryDirectory() as cache:
            host_uv = timed(
                [uv, "pip", "install", "--target", target, "--python", str(python.executable),
                 "--no-build", "--compile-bytecode", "--no-config", "--default-index", PYPI,
                 "--cache-dir", cache, "--system-certs", "--quiet", package],
            )  # fmt: skip
        with tempfile.TemporaryDirectory() as target:
            pip = timed(
                [sys.executable, "-m", "pip", "install", "--isolated", "--quiet",
                 "--disable-pip-version-check", "--no-cache-dir", "--only-binary", ":all:",
                 "--target", target, "--index-url", PYPI,
                 "--python-version", python.version, package],
            )  # fmt: skip
        rows.append((package, elapsed, host_uv, pip))
    return rows


async def cached_overhead(engine: Engine, python, runs: int) -> tuple[float, float]:
    hello = "print('hello')\n"
    await run(engine, spec(python.id, hello, ("pandas",)))  # built, and warm
    plain, cached = [], []
    for _ in range(runs):  # interleaved, so load changes hit both alike
        plain.append((await run(engine, spec(python.id, hello)))[0])
        cached.append((await run(engine, spec(python.id, hello, ("pandas",))))[0])
    return statistics.median(plain), statistics.median(cached)


async def import_times(engine: Engine, runtime, module: str, package: str, runs: int):
    """(inside ms, outside ms): the module's import inside a run, and of the same
    environment's files on the host (medians of what the program itself measures, the two
    interleaved so that load changes hit both alike)."""
    timer = (PYTHON_TIMER if runtime.language == "python" else NODE_TIMER).format(module=module)
    run_spec = spec(runtime.id, timer, (package,))
    await run(engine, run_spec)
    key = engine.packages.key(runtime, engine.packages_for(run_spec, runtime))
    environment = engine.packages.store.path(key)
    inside, outside = [], []
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / ENTRY_FILES[runtime.language]
        script.write_text(timer)
        env = {"PATH": "/usr/bin:/bin", "HOME": folder}
        if runtime.language == "python":
            env |= {"PYTHONPATH": str(environment / "python"), "PYTHONDONTWRITEBYTECODE": "1"}
        else:
            env["NODE_PATH"] = str(environment / "node" / "node_modules")
        for _ in range(runs):
            inside.append(float((await run(engine, run_spec))[1]))
            done = subprocess.run(
                [str(runtime.executable), str(script)],
                env=env, capture_output=True, text=True, check=True, cwd=folder,
            )  # fmt: skip
            outside.append(float(done.stdout))
    return statistics.median(inside), statistics.median(outside)


async def measure(args) -> None:
    engine = get_engine()
    await asyncio.to_thread(engine.prepare)
    python = engine.runtimes.default_for("python")
    node = engine.runtimes.default_for("node")
    if not args.skip_cold:
        print("Cold install (empty caches), seconds")
        print(f"{'package':<10}{'uv sandboxed':>14}{'uv on host':>12}{'pip on host':>13}"
              f"{'pip / sandboxed uv':>20}")  # fmt: skip
        for package, boxed, host_uv, pip in await cold_installs(python):
            print(f"{package:<10}{boxed:>14.2f}{host_uv:>12.2f}{pip:>13.2f}{pip / boxed:>19.2f}x")
        print()
    plain, cached = await cached_overhead(engine, python, args.runs)
    print(f"Hello world, {args.runs} runs each, median ms")
    print(f"{'no packages':>14}{'cached set':>12}{'overhead':>10}  (goal <= 30 ms)")
    print(f"{plain * 1e3:>14.1f}{cached * 1e3:>12.1f}{(cached - plain) * 1e3:>8.1f}ms\n")
    print(f"Import time of a package, median of {args.imports} runs, ms")
    print(f"{'import':<24}{'in sandbox':>12}{'outside':>10}{'ratio':>8}")
    imports = [(python, "pandas", "pandas")]
    if node is not None:
        imports.append((node, "lodash", "lodash"))
    for runtime, module, package in imports:
        inside, outside = await import_times(engine, runtime, module, package, args.imports)
        label = f"{runtime.label}: {module}"
        print(f"{label:<24}{inside:>12.1f}{outside:>10.1f}{inside / outside:>7.2f}x")
    engine.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--imports", type=int, default=11)
    parser.add_argument("--skip-cold", action="store_true")
    asyncio.run(measure(parser.parse_args()))


if __name__ == "__main__":
    main()
