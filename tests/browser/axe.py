"""axe-core (vendored from npm by frontend/build.mjs into vendor/), run in a page: evaluated
through the DevTools protocol, which the page's CSP (no inline scripts) allows."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
RUN = """async ([include, runOnly]) => {
  const result = await axe.run(include ? { include } : document, {
    runOnly,
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
  }));
}"""


def axe_violations(page: Page, *, run_only: dict, include: list[str] | None = None) -> list[dict]:
    """axe's violations of the rules `run_only` names, in the page or in `include` (selectors)."""
    page.evaluate(SOURCE + "\n;0")
    return page.evaluate(RUN, [include, run_only])
