"""Node.js packages: installed once with npm (no lifecycle scripts) into a cached
node_modules that every run mounts at /node_modules, for `require` and `import` alike."""

from __future__ import annotations

import pytest

from .package_helpers import run_with

# Cold installs download and unpack tens of MB: on a loaded machine they take minutes.
pytestmark = [pytest.mark.sandbox, pytest.mark.network, pytest.mark.timeout(600)]

# The brief's third use case: the run has no network, so the program's own catch reports it.
AXIOS_FETCH = """\
const axios = require("axios");

async function fetchData() {
  try {
    const response = await axios.get("https://jsonplaceholder.typicode.com/posts/1");
    console.log("Data:", response.data);
  } catch (error) {
    console.error("Error fetching data:", error.message);
  }
}

fetchData();
"""


def test_axios_without_network_fails_in_the_programs_own_catch(engine):
    outcome = run_with(engine, AXIOS_FETCH, ("axios",), runtime="node")

    assert outcome.status == "succeeded", outcome.stderr
    assert outcome.stderr.startswith("Error fetching data: ")
    assert outcome.stdout == ""


def test_an_es_module_imports_a_package_with_top_level_await(engine):
    code = """\
import axios from "axios";
import { createRequire } from "node:module";
const version = await Promise.resolve(axios.VERSION);
const lodash = createRequire(import.meta.url)("lodash");
console.log(typeof axios.get, /^\\d+\\./.test(version), lodash.chunk([1, 2, 3, 4], 2).length);
"""
    outcome = run_with(engine, code, ("axios", "lodash"), runtime="node", entry="main.mjs")

    assert (outcome.status, outcome.stdout) == ("succeeded", "function true 2\n"), outcome.stderr


def test_an_unknown_npm_package_ends_the_run_as_install_failed(engine):
    outcome = run_with(engine, "1", ("no-such-package-codesandboxes-4242",), runtime="node")

    assert outcome.status == "install_failed"
    assert "Not Found - GET" in outcome.result.error
    assert "no-such-package-codesandboxes-4242" in outcome.result.error
    assert outcome.result.error in outcome.stderr


def test_a_version_that_does_not_exist_on_npm_ends_the_run_as_install_failed(engine):
    outcome = run_with(engine, "1", ("zod@99",), runtime="node")

    assert outcome.status == "install_failed"
    assert "No matching version found for zod@99" in outcome.result.error
