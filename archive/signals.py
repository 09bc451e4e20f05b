"""What the archive announces (docs/operations.md): apps above it follow a match once it is archived."""

from django.dispatch import Signal

# Sent after matches' documents are stored and their rows recorded, with ``archived``: a list of
# (history.models.Match, its replay document). Receivers must not raise: the archive has done its work.
matches_archived = Signal()
