"""STORAGE_URL: where file contents live, as one setting (like DATABASE_URL).

- empty: the filesystem under DATA_DIR/blobs (the embedded default), owner-only;
- ``file:///srv/codesandboxes/blobs``: the filesystem elsewhere (an NFS mount, say);
- ``s3://KEY:SECRET@bucket/prefix?endpoint_url=https://minio.example:9000&region_name=...``:
  an S3-compatible bucket (AWS S3, MinIO, Ceph RGW) through django-storages. Without
  KEY:SECRET, boto3 finds credentials as usual (AWS_ACCESS_KEY_ID..., an instance role).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.private import DIR_MODE, FILE_MODE

FILESYSTEM = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"
# Query parameters passed to S3Storage as they are (its option names).
S3_OPTIONS = ("endpoint_url", "region_name", "addressing_style", "signature_version", "verify")
# Reads of an S3 object are spooled to a temporary file past this size, not kept in memory.
S3_MAX_MEMORY_BYTES = 2 * 1024 * 1024


def storage_from_url(url: str, *, data_dir: Path) -> dict:
    """The STORAGES entry for file contents that `url` names."""
    if not url:
        return _filesystem(data_dir / "blobs")
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ImproperlyConfigured(
                "STORAGE_URL file:// needs an absolute path: file:///srv/blobs."
            )
        return _filesystem(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        return _s3(parts)
    raise ImproperlyConfigured(
        f"STORAGE_URL: unknown scheme {parts.scheme!r}; use file:///path or s3://bucket/prefix."
    )


def _filesystem(location: Path) -> dict:
    return {
        "BACKEND": FILESYSTEM,
        "OPTIONS": {
            "location": str(location),
            "file_permissions_mode": FILE_MODE,
            "directory_permissions_mode": DIR_MODE,
            # Contents are named by their digest: the same name holds the same bytes.
            "allow_overwrite": True,
        },
    }


def _s3(parts) -> dict:
    if not parts.hostname:
        raise ImproperlyConfigured("STORAGE_URL s3:// needs a bucket: s3://bucket/prefix.")
    options = {
        "bucket_name": parts.hostname,
        "location": parts.path.strip("/"),
        "file_overwrite": True,
        "default_acl": None,  # the bucket's own policy: private
        "querystring_auth": True,
        "max_memory_size": S3_MAX_MEMORY_BYTES,
    }
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    for key, value in parse_qsl(parts.query):
        if key not in S3_OPTIONS:
            raise ImproperlyConfigured(
                f"STORAGE_URL: unknown option {key!r}; known: {', '.join(S3_OPTIONS)}."
            )
        options[key] = value
    return {"BACKEND": S3, "OPTIONS": options}
