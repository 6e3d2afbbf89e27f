"""TypeScript entry files on the Node.js runtime: Node's own type stripping where it has it
(22.7 and later: enums too), else tsx, installed and cached like any package."""

from __future__ import annotations

import pytest

from .package_helpers import run_with

pytestmark = pytest.mark.sandbox

# The brief's fourth use case.
ZOD_USERS = """\
import { z } from "zod";

const UserSchema = z.object({
  name: z.string().min(2),
  email: z.string().email(),
  age: z.number().int().positive(),
});

type User = z.infer<typeof UserSchema>;

const users: unknown[] = [
  { name: "Alice", email: "alice@example.com", age: 30 },
  { name: "B", email: "not-an-email", age: -5 },
  { name: "Charlie", email: "charlie@example.com", age: 25 },
];

for (const candidate of users) {
  const result = UserSchema.safeParse(candidate);
  if (result.success) {
    const user: User = result.data;
    console.log(`Valid user: ${user.name} <${user.email}>`);
  } else {
    const fields = result.error.issues.map((issue) => issue.path.join("."));
    console.log(`Invalid user: ${fields.join(", ")}`);
  }
}
"""
ZOD_OUTPUT = (
    "Valid user: Alice <alice@example.com>\n"
    "Invalid user: name, email, age\n"
    "Valid user: Charlie <charlie@example.com>\n"
)


def node_with_type_stripping(engine) -> str:
    runtime = engine.runtimes.default_for("node")
    if runtime is None or not runtime.strips_types:
        pytest.skip("no Node.js 22.7 or later is configured")
    return runtime.id


def test_a_ts_file_with_types_interfaces_and_an_enum_runs(engine):
    code = """\
interface Point { x: number; y: number }
enum Colour { Red, Green }
const origin: Point = { x: 0, y: 0 };
const total = (points: Point[]): number => points.reduce((sum, p) => sum + p.x + p.y, 0);
console.log(total([origin, { x: 2, y: 3 }]), Colour[Colour.Green]);
"""
    runtime = node_with_type_stripping(engine)
    outcome = run_with(engine, code, runtime=runtime, entry="main.ts")

    assert (outcome.status, outcome.stdout, outcome.stderr) == ("succeeded", "5 Green\n", "")


def test_an_mts_file_imports_and_awaits_at_the_top_level(engine):
    code = """\
import { setTimeout as sleep } from "node:timers/promises";
const value: string = await sleep(10, "awaited");
console.log(value);
"""
    runtime = node_with_type_stripping(engine)
    outcome = run_with(engine, code, runtime=runtime, entry="main.mts")

    assert (outcome.status, outcome.stdout, outcome.stderr) == ("succeeded", "awaited\n", "")


def test_an_mjs_file_awaits_at_the_top_level(engine):
    code = "const { sep } = await import('node:path');\nconsole.log(await Promise.resolve(sep));\n"
    outcome = run_with(engine, code, runtime="node", entry="main.mjs")

    assert (outcome.status, outcome.stdout) == ("succeeded", "/\n")


@pytest.mark.network
def test_zod_validates_three_users_in_typescript(engine):
    runtime = node_with_type_stripping(engine)
    outcome = run_with(engine, ZOD_USERS, ("zod@3",), runtime=runtime, entry="main.ts")

    assert (outcome.status, outcome.stdout) == ("succeeded", ZOD_OUTPUT), outcome.stderr


@pytest.mark.network
def test_typescript_on_a_node_without_type_stripping_runs_with_tsx(engine):
    old = [
        r for r in engine.runtimes.runtimes.values() if r.language == "node" and not r.strips_types
    ]
    if not old:
        pytest.skip("no Node.js older than 22.7 is configured")
    outcome = run_with(engine, ZOD_USERS, ("zod@3",), runtime=old[0].id, entry="main.ts")

    assert (outcome.status, outcome.stdout) == ("succeeded", ZOD_OUTPUT), outcome.stderr
