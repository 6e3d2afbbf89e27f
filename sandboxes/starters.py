"""Templates a new sandbox can start from: the product brief's four use cases and a few
first steps, each its files, entry file, packages and (when it calls a web API) the
allow-list its runs need. Plain data; sandboxes.services.starters creates a sandbox from one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandboxes.engine.runtimes import LANGUAGE_NAMES


@dataclass(frozen=True)
class Starter:
    slug: str
    title: str
    summary: str
    language: str  # "python" or "node": the runtime's default version
    entry: str
    files: dict[str, str]
    packages: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()  # an allow-list of domains; empty: the tier's default
    tags: tuple[str, ...] = ()

    @property
    def runtime_label(self) -> str:
        return LANGUAGE_NAMES[self.language]


HELLO_PY = """\
import sys

name = "world"
print(f"Hello, {name}!")
print(f"Python {sys.version.split()[0]}")

for n in range(1, 6):
    print(f"{n} squared is {n * n}")
"""

SALES_CSV = """\
month,region,revenue
2026-01,North,12400
2026-01,South,9800
2026-02,North,13100
2026-02,South,10450
2026-03,North,12950
2026-03,South,11900
2026-04,North,14800
2026-04,South,12300
2026-05,North,15350
2026-05,South,13750
2026-06,North,16900
2026-06,South,14100
"""

SALES_PY = """\
import matplotlib

matplotlib.use("Agg")  # no screen in a sandbox: draw to a file

import matplotlib.pyplot as plt
import pandas as pd

sales = pd.read_csv("sales.csv")
monthly = sales.pivot_table(index="month", columns="region", values="revenue", aggfunc="sum")
monthly["Total"] = monthly.sum(axis=1)
print(monthly.to_string())
print(f"\\nBest month: {monthly['Total'].idxmax()} ({monthly['Total'].max():,} in revenue)")

ax = monthly[["North", "South"]].plot(kind="bar", figsize=(8, 4.5), color=["#2f5bea", "#16a34a"])
ax.set_title("Revenue by month and region")
ax.set_xlabel("")
ax.set_ylabel("Revenue")
ax.tick_params(axis="x", rotation=0)
plt.tight_layout()
plt.savefig("sales.png", dpi=110)
print("Wrote sales.png")
"""

IRIS_PY = """\
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, classification_report
from sklearn.model_selection import train_test_split

iris = load_iris()
X_train, X_test, y_train, y_test = train_test_split(
    iris.data, iris.target, test_size=0.3, random_state=42, stratify=iris.target
)

model = RandomForestClassifier(n_estimators=100, random_state=42)
model.fit(X_train, y_train)
predicted = model.predict(X_test)

print(f"Accuracy: {accuracy_score(y_test, predicted):.1%} on {len(y_test)} flowers")
print(classification_report(y_test, predicted, target_names=iris.target_names))

flower = [[5.9, 3.0, 5.1, 1.8]]
print("A flower measuring", flower[0], "is", iris.target_names[model.predict(flower)[0]])
"""

AXIOS_JS = """\
// Calls GitHub's public API with axios. The sandbox's Network panel allows
// api.github.com only: any other host is refused.
const axios = require("axios");

async function main() {
  const { data } = await axios.get("https://api.github.com/repos/nodejs/node", {
    headers: { "User-Agent": "code-sandboxes-starter" },
    timeout: 10000,
  });
  console.log(`${data.full_name}: ${data.description}`);
  console.log(`Stars: ${data.stargazers_count.toLocaleString("en")}`);
  console.log(`Open issues: ${data.open_issues_count.toLocaleString("en")}`);
  console.log(`Default branch: ${data.default_branch}`);
}

main().catch((error) => {
  console.error(`Request failed: ${error.message}`);
  process.exit(1);
});
"""

ZOD_TS = """\
// TypeScript runs on Node.js directly (types are stripped); zod checks data at run time.
import { z } from "zod";

const User = z.object({
  name: z.string().min(1),
  email: z.string().email(),
  age: z.number().int().positive().optional(),
});

type User = z.infer<typeof User>;

const inputs: unknown[] = [
  { name: "Ada", email: "ada@example.com", age: 36 },
  { name: "", email: "not-an-email" },
];

for (const input of inputs) {
  const result = User.safeParse(input);
  if (result.success) {
    const user: User = result.data;
    console.log(`Valid: ${user.name} <${user.email}>`);
  } else {
    for (const issue of result.error.issues) {
      console.log(`Invalid ${issue.path.join(".")}: ${issue.message}`);
    }
  }
}
"""

PEOPLE_CSV = """\
name,city,age
Ada,London,36
Grace,New York,45
Linus,Helsinki,28
Margaret,Boston,33
Guido,Amsterdam,41
"""

CSV_PY = """\
import csv
from statistics import mean

with open("people.csv", newline="") as file:
    people = list(csv.DictReader(file))

print(f"{len(people)} people in people.csv")
for person in people:
    print(f"  {person['name']:<10} {person['city']:<10} {person['age']:>3}")

print(f"Average age: {mean(int(p['age']) for p in people):.1f}")
"""

HTTP_JS = """\
// Node's built-in fetch: no package needed. The sandbox's Network panel allows
// example.com only.
async function main() {
  const response = await fetch("https://example.com/");
  console.log(`${response.status} ${response.statusText}`);
  console.log(`content-type: ${response.headers.get("content-type")}`);
  const html = await response.text();
  const title = html.match(/<title>(.*?)<\\/title>/i);
  console.log(`title: ${title ? title[1] : "(none)"}`);
  console.log(`${html.length} characters`);
}

main().catch((error) => {
  console.error(`Request failed: ${error.message}`);
  process.exit(1);
});
"""

STARTERS = (
    Starter(
        slug="sales-chart",
        title="Sales chart",
        summary="pandas sums a CSV of sales by month; matplotlib draws the chart as a PNG.",
        language="python",
        entry="main.py",
        files={"main.py": SALES_PY, "sales.csv": SALES_CSV},
        packages=("matplotlib", "pandas"),
        tags=("pandas", "matplotlib"),
    ),
    Starter(
        slug="iris-classifier",
        title="Iris classifier",
        summary="scikit-learn trains a random forest on the iris flowers and scores it.",
        language="python",
        entry="main.py",
        files={"main.py": IRIS_PY},
        packages=("scikit-learn",),
        tags=("scikit-learn",),
    ),
    Starter(
        slug="axios-api-call",
        title="API call with axios",
        summary="Fetches a repository from GitHub's API; the network allows api.github.com only.",
        language="node",
        entry="index.js",
        files={"index.js": AXIOS_JS},
        packages=("axios",),
        allow=("api.github.com",),
        tags=("axios", "network"),
    ),
    Starter(
        slug="typescript-zod",
        title="TypeScript with zod",
        summary="A TypeScript file validating data with a zod schema, run without a build step.",
        language="node",
        entry="main.ts",
        files={"main.ts": ZOD_TS},
        packages=("zod@3",),
        tags=("TypeScript", "zod"),
    ),
    Starter(
        slug="hello-world",
        title="Hello world",
        summary="The smallest Python program: print a greeting and a few numbers.",
        language="python",
        entry="main.py",
        files={"main.py": HELLO_PY},
    ),
    Starter(
        slug="read-csv",
        title="Read a CSV file",
        summary="Python's csv module reads people.csv and prints a table and an average.",
        language="python",
        entry="main.py",
        files={"main.py": CSV_PY, "people.csv": PEOPLE_CSV},
        tags=("csv",),
    ),
    Starter(
        slug="node-http-client",
        title="Node HTTP client",
        summary="Node's built-in fetch gets a web page and prints its status and title.",
        language="node",
        entry="index.js",
        files={"index.js": HTTP_JS},
        allow=("example.com",),
        tags=("fetch", "network"),
    ),
)

BY_SLUG = {starter.slug: starter for starter in STARTERS}
