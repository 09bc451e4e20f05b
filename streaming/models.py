"""What the consumers record for operators: events that can never be processed."""

from django.db import models


class PoisonEvent(models.Model):
    """A message a consumer terminated because it can never succeed (docs/operations.md, poison events)."""

    consumer = models.TextField()
    stream_seq = models.BigIntegerField()
    subject = models.TextField()
    payload = models.BinaryField()
    reason = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Set by a retry that processed it (the admin's "Retry"), with the match the projector made.
    resolved_at = models.DateTimeField(null=True, blank=True)
    match = models.ForeignKey("history.Match", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "poison_events"
        constraints = [
            models.UniqueConstraint(fields=["consumer", "stream_seq"], name="poison_events_one_per_message"),
        ]
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.consumer} seq {self.stream_seq}: {self.reason}"

    @property
    def payload_text(self) -> str:
        return bytes(self.payload).decode("utf-8", errors="replace")
