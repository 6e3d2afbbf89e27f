"""Python packages: installed once with uv into a cached environment every run mounts.

These download from PyPI (marked `network`; PyPI is reachable in CI too). Environments are
cached across tests and sessions, as in production: only the first run of a set installs.
"""

from __future__ import annotations

import pytest

from .package_helpers import run_with

# Cold installs download and unpack tens of MB: on a loaded machine they take minutes.
pytestmark = [pytest.mark.sandbox, pytest.mark.network, pytest.mark.timeout(600)]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# The brief's first use case, as a user would paste it.
SALES_REPORT = """\
import pandas as pd
import numpy as np
import matplotlib.pyplot as plt

np.random.seed(42)
dates = pd.date_range("2024-01-01", periods=100, freq="D")
df = pd.DataFrame({
    "date": dates,
    "sales": np.random.randint(100, 1000, 100),
    "customers": np.random.randint(10, 100, 100),
})
print(df.describe())

plt.figure(figsize=(10, 6))
plt.plot(df["date"], df["sales"])
plt.title("Sales Trend")
plt.xlabel("Date")
plt.ylabel("Sales")
plt.savefig("sales_trend.png")
print("Chart saved as sales_trend.png")
"""

# The brief's second use case.
IRIS_FOREST = """\
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

iris = load_iris()
X_train, X_test, y_train, y_test = train_test_split(
    iris.data, iris.target, test_size=0.2, random_state=42
)
model = RandomForestClassifier(n_estimators=100, random_state=42)
model.fit(X_train, y_train)
accuracy = accuracy_score(y_test, model.predict(X_test))
print(f"Model Accuracy: {accuracy * 100:.2f}%")
"""


def test_pandas_and_matplotlib_print_a_summary_and_produce_the_chart(engine):
    outcome = run_with(engine, SALES_REPORT, ("pandas", "matplotlib"))

    assert outcome.status == "succeeded", outcome.stderr
    assert "count" in outcome.stdout and "mean" in outcome.stdout and "sales" in outcome.stdout
    assert "Chart saved as sales_trend.png" in outcome.stdout
    assert outcome.result.files["sales_trend.png"].startswith(PNG_SIGNATURE)
    assert outcome.stderr == ""  # no GUI backend or font-config complaints


def test_scikit_learn_trains_the_iris_forest(engine):
    outcome = run_with(engine, IRIS_FOREST, ("scikit-learn",))

    assert outcome.status == "succeeded", outcome.stderr
    assert outcome.stdout.strip() == "Model Accuracy: 100.00%"


def test_a_second_run_with_the_same_set_installs_nothing(engine):
    code = "import requests\nprint(requests.__name__)\n"
    run_with(engine, code, ("requests",))

    again = run_with(engine, code, ("Requests ",))  # the same set, written differently

    assert (again.status, again.stdout) == ("succeeded", "requests\n")
    assert again.result.install_seconds == 0


def test_the_environment_is_read_only_byte_compiled_and_the_run_still_has_no_network(engine):
    code = """\
import os, pathlib, socket, requests
print(requests.__file__)
compiled = list(pathlib.Path("/packages/python/requests/__pycache__").glob("*.pyc"))
print("compiled", len(compiled) > 0)
try:
    open("/packages/python/requests/__init__.py", "a")
except OSError as error:
    print("write", error.errno in (13, 30))  # EACCES or EROFS
try:
    socket.create_connection(("pypi.org", 443), timeout=3)
    print("network LEAK")
except OSError:
    print("network blocked")
"""
    outcome = run_with(engine, code, ("requests",))

    assert outcome.stdout.splitlines() == [
        "/packages/python/requests/__init__.py",
        "compiled True",
        "write True",
        "network blocked",
    ]


def test_an_unknown_package_ends_the_run_as_install_failed_in_plain_words(engine):
    outcome = run_with(engine, "print('never')", ("no-such-package-codesandboxes-4242",))

    assert outcome.status == "install_failed"
    assert outcome.stdout == ""
    assert "no-such-package-codesandboxes-4242" in outcome.result.error
    assert "was not found in the package registry" in outcome.result.error
    assert outcome.result.error in outcome.stderr  # the user sees it in the run's output
    assert outcome.result.exit_code is None


def test_a_version_that_does_not_exist_ends_the_run_as_install_failed(engine):
    outcome = run_with(engine, "print('never')", ("requests==99.99.99",))

    assert outcome.status == "install_failed"
    assert "there is no version of requests==99.99.99" in outcome.result.error


def test_a_package_without_a_wheel_for_this_platform_is_not_built_from_source(engine):
    # pycrypto 2.6.1 is a source distribution only: building it would run its setup.py.
    outcome = run_with(engine, "print('never')", ("pycrypto==2.6.1",))

    assert outcome.status == "install_failed"
    assert "pycrypto" in outcome.result.error
    assert "no usable wheels" in outcome.result.error


@pytest.mark.gvisor
def test_a_gvisor_run_mounts_the_same_environment(engine):
    outcome = run_with(
        engine, "import requests\nprint(requests.__file__)\n", ("requests",), isolation="gvisor"
    )

    assert (outcome.status, outcome.stdout) == (
        "succeeded",
        "/packages/python/requests/__init__.py\n",
    )
