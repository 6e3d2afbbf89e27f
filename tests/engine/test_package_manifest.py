"""What a built environment's manifest says, and how a package is known by its name: the
engine's reading, which the packages panel shows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sandboxes.engine.packages.manifest import Manifest, installed_in
from sandboxes.engine.packages.specs import mentions, package_key


def test_a_python_manifest_gives_each_package_its_version_by_canonical_name():
    manifest = Manifest.read(
        "python",
        {
            "installed": ["Charset_Normalizer==3.4.0", "pandas==2.2.3"],
            "built_at": "2026-11-29T12:00:00+00:00",
            "size": 5_000_000,
        },
    )

    assert manifest.versions == {"charset-normalizer": "3.4.0", "pandas": "2.2.3"}
    assert manifest.built_at == datetime(2026, 11, 29, 12, tzinfo=UTC)
    assert manifest.size == 5_000_000


def test_a_node_manifest_keeps_scoped_names_and_leaves_out_nested_copies():
    manifest = Manifest.read(
        "node",
        {"installed": ["@types/node@22.1.0", "axios@1.7.9", "axios/node_modules/form-data@4.0.1"]},
    )

    assert manifest.versions == {"@types/node": "22.1.0", "axios": "1.7.9"}


def test_what_a_manifest_lacks_or_holds_malformed_is_unknown():
    manifest = Manifest.read("python", {"installed": [42, None], "built_at": 1, "size": "big"})

    assert manifest == Manifest(versions={}, built_at=None, size=None)


def test_the_installed_list_is_read_back_as_it_was_written(tmp_path):
    (tmp_path / "python" / "six-1.16.0.dist-info").mkdir(parents=True)

    written = {"installed": installed_in(tmp_path)}

    assert Manifest.read("python", written).versions == {"six": "1.16.0"}


@pytest.mark.parametrize(
    ("language", "spec", "key"),
    [
        ("python", "Pandas[excel]>=2", "pandas"),
        ("python", "charset_normalizer==3.*", "charset-normalizer"),
        ("node", "@scope/name@^1", "@scope/name"),
        ("node", "lodash@4", "lodash"),
    ],
)
def test_a_package_is_known_by_its_name_whatever_its_version(language, spec, key):
    assert package_key(language, spec) == key


def test_an_installers_words_name_a_python_package_however_uv_spells_it():
    words = "Because charset_normalizer was not found in the package registry"

    assert mentions("python", "charset-normalizer", words)
    assert not mentions("python", "normalizer", words)


def test_an_installers_words_name_a_node_package_only_as_a_whole_name():
    words = "npm error 404  'left-pad-x@*' is not in this registry."

    assert mentions("node", "left-pad-x", words)
    assert not mentions("node", "left-pad", words)
