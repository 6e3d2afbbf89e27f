"""What a crash can leave between storage and database, found and removed:

- orphaned contents: stored, with no blob row (written, then the process died before its
  row was committed) — deleted once older than the grace period (a write under way is
  younger);
- unreferenced blobs: rows nothing points at (files deleted, then the process died before
  releasing them, or deleted by a cascade) — released, content first;
- dangling blobs: rows whose content is missing — reported, with the rows that point at
  them: their files cannot be read, and nothing here can bring their bytes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from blobs.contents import blob_storage, content_delete, contents_listed
from blobs.models import Blob
from blobs.services import blobs_release


@dataclass
class Sweep:
    orphaned: list[str] = field(default_factory=list)  # contents without a row
    unreferenced: list[str] = field(default_factory=list)  # rows nothing points at
    dangling: list[str] = field(default_factory=list)  # rows without content
    dangling_files: list[str] = field(default_factory=list)  # "model pk path" of their files


def blobs_sweep(*, grace: timedelta = timedelta(hours=1), dry_run: bool = False) -> Sweep:
    """Remove orphaned contents and unreferenced blobs older than `grace`; report dangling
    blobs. With `dry_run`, only report."""
    sweep = Sweep()
    cutoff = timezone.now() - grace
    storage = blob_storage()
    stored: set[str] = set()
    for digest, name in contents_listed():
        stored.add(digest)
        if Blob.objects.filter(pk=digest).exists():
            continue
        try:
            if storage.get_modified_time(name) >= cutoff:
                continue  # perhaps a write whose row is not committed yet
        except FileNotFoundError:
            continue
        sweep.orphaned.append(digest)
        if not dry_run and not Blob.objects.filter(pk=digest).exists():
            content_delete(digest)

    old = Blob.unreferenced().filter(created_at__lt=cutoff)
    sweep.unreferenced = list(old.values_list("digest", flat=True))
    if not dry_run:
        blobs_release(sweep.unreferenced)

    for digest in Blob.objects.exclude(pk__in=sweep.unreferenced).values_list("pk", flat=True):
        if digest not in stored:
            sweep.dangling.append(digest)
    for rel in Blob.references():
        manager = rel.related_model._default_manager
        rows = manager.filter(**{f"{rel.field.name}__in": sweep.dangling})
        label = rel.related_model._meta.label
        for row in rows:
            sweep.dangling_files.append(f"{label} {row.pk} {getattr(row, 'path', '')}".rstrip())
    return sweep
