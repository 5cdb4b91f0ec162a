"""Deployment-wide records that belong to no practice."""

from django.db import models


class KeyCheck(models.Model):
    """A check value of a key that protects this database's data (#20).

    An HMAC of a fixed text under the key: it tells whether a configured key is
    the one the data was written with, and reveals nothing of the key. `kind` is
    `kek:<version>`, `field` or `index`; a field or index key being rotated away
    from has a row of its own until its rotation ends.
    """

    kind = models.CharField(max_length=24)
    check_value = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "check_value"], name="pixiodoc_keycheck_unique"
            )
        ]

    def __str__(self):
        return f"key check {self.kind}"
