from django.conf import settings
from django.db import models

from history.models import Match


class SoloIdempotencyKey(models.Model):
    """A solo result recorded under a client's Idempotency-Key, written with its match in one transaction.

    The unique (user, key) is what makes two concurrent repeats record one match: the database
    decides which request wins, and the loser reads the winner's row.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # sha256 of the canonical request body: a repeat must be the same request, not just the same key.
    request_hash = models.CharField(max_length=64)
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "solo_idempotency_keys"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="solo_idempotency_keys_user_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} -> {self.match_id}"


class SoloRun(models.Model):
    """What a verified solo match was played from (docs/api.md): the server's replay of these is the
    match's result and its replay's events."""

    match = models.OneToOneField(Match, on_delete=models.CASCADE, primary_key=True, related_name="solo_run")
    engine = models.TextField()
    mode = models.TextField()
    seed = models.BigIntegerField()
    settings = models.JSONField()
    # solo.inputs' encoding: deflated varint deltas and key bytes.
    inputs = models.BinaryField()
    input_count = models.PositiveIntegerField()

    class Meta:
        db_table = "solo_runs"

    def __str__(self) -> str:
        return f"{self.mode} run of {self.match_id}"
