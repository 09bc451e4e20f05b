"""What the key moments announce, for the apps that keep a copy of a match (the archive) to hook into:
moments never import them (docs/design.md, the layers)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `redetect` after it published moments into a finished match, with room_id and started_at (a
# datetime). A receiver returns a line for the operator, or None; it raises FollowUpFailed when it could
# not bring its copy up to date.
moments_redetected = Signal()


class FollowUpFailed(Exception):
    """A receiver of moments_redetected could not bring its copy of the match up to date."""
