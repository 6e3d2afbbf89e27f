"""STORAGE_URL names where file contents live; a wrong one is refused at start, by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.storage_url import storage_from_url


def test_by_default_contents_live_owner_only_under_the_data_dir():
    storage = storage_from_url("", data_dir=Path("/srv/data"))

    assert storage["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storage["OPTIONS"]["location"] == "/srv/data/blobs"
    assert storage["OPTIONS"]["file_permissions_mode"] == 0o600
    assert storage["OPTIONS"]["directory_permissions_mode"] == 0o700


def test_a_file_url_names_another_folder():
    storage = storage_from_url("file:///mnt/shared/blobs", data_dir=Path("/srv/data"))

    assert storage["OPTIONS"]["location"] == "/mnt/shared/blobs"


def test_an_s3_url_names_the_bucket_prefix_endpoint_and_credentials():
    storage = storage_from_url(
        "s3://AKIA:se%2Fcret@sandbox-files/prod/contents?endpoint_url=https://minio:9000"
        "&region_name=eu-west-1&addressing_style=path",
        data_dir=Path("/srv/data"),
    )

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (
        storage["OPTIONS"].items()
        >= {
            "bucket_name": "sandbox-files",
            "location": "prod/contents",
            "access_key": "AKIA",
            "secret_key": "se/cret",
            "endpoint_url": "https://minio:9000",
            "region_name": "eu-west-1",
            "addressing_style": "path",
            "default_acl": None,
        }.items()
    )


def test_without_credentials_boto3_finds_its_own():
    storage = storage_from_url("s3://bucket", data_dir=Path("/srv/data"))

    assert "access_key" not in storage["OPTIONS"]
    assert storage["OPTIONS"]["location"] == ""


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://host/x", "unknown scheme 'ftp'"),
        ("file://relative/path", "absolute path"),
        ("s3:///prefix", "needs a bucket"),
        ("s3://bucket?acl=public-read", "unknown option 'acl'"),
    ],
)
def test_a_wrong_url_is_refused_naming_the_problem(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        storage_from_url(url, data_dir=Path("/srv/data"))
