"""File contents, named by their SHA-256 digest: stored once however many files hold them."""

from __future__ import annotations

from django.db import models


class Blob(models.Model):
    """One stored content. The rows that point at it (workspace files, produced files)
    are its references: it is deleted, content first, once the last of them has gone."""

    digest = models.CharField(max_length=64, primary_key=True)  # SHA-256, hex
    size = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(size__gte=0), name="blob_size")]

    def __str__(self) -> str:
        return f"{self.digest[:12]}… ({self.size:,} bytes)"

    @classmethod
    def references(cls) -> list:
        """The relations that point at blobs (whoever declares a ForeignKey to Blob)."""
        return [rel for rel in cls._meta.related_objects if rel.one_to_many or rel.one_to_one]

    def is_referenced(self) -> bool:
        return any(
            rel.related_model._default_manager.filter(**{rel.field.name: self.pk}).exists()
            for rel in self.references()
        )

    @classmethod
    def unreferenced(cls) -> models.QuerySet[Blob]:
        return cls.objects.filter(**{f"{rel.name}__isnull": True for rel in cls.references()})
