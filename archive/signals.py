"""What the archive announces (docs/operations.md): apps above it follow a match once it is archived."""

from django.dispatch import Signal

# Sent after matches' documents are stored and their rows recorded, with ``archived``: a list of
# (history.models.Match, its replay document). Receivers must not raise: the archive has done its work.
matches_archived = Signal()

# Sent from the archiver's process every few seconds (MatchArchiver's sweep), on a thread of its own, for
# follow-ups no stream brings: a verified solo run never passes through the stream, so the analysis
# app analyses the runs recorded since here. Receivers must not raise; what they leave is kept for the
# next sweep.
archiver_sweep = Signal()
