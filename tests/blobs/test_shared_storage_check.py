"""With distributed workers, `manage.py check` warns when file contents stay in this
host's own folder (the default): other hosts could not read what a run produced."""

from __future__ import annotations

from config.storage_url import storage_from_url
from sandboxes.checks import check_shared_storage


def test_distributed_workers_with_the_default_folder_are_warned(settings):
    settings.SANDBOX_DISPATCHER = "distributed"
    settings.STORAGES = {
        **settings.STORAGES,
        "blobs": storage_from_url("", data_dir=settings.DATA_DIR),
    }

    assert [problem.id for problem in check_shared_storage(None)] == ["sandboxes.W006"]


def test_a_bucket_or_a_chosen_folder_is_not(settings):
    settings.SANDBOX_DISPATCHER = "distributed"
    for url in ("s3://bucket/prefix", "file:///mnt/shared/blobs"):
        blobs = storage_from_url(url, data_dir=settings.DATA_DIR)
        settings.STORAGES = {**settings.STORAGES, "blobs": blobs}
        assert check_shared_storage(None) == []


def test_one_host_needs_nothing_shared(settings):
    settings.SANDBOX_DISPATCHER = "inline"
    settings.STORAGES = {
        **settings.STORAGES,
        "blobs": storage_from_url("", data_dir=settings.DATA_DIR),
    }

    assert check_shared_storage(None) == []
