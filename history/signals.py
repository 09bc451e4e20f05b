"""What the projector tells the rest of the system, so that what reacts to a projected match (the
tournament standings now; an archiver or live notifications next) hooks in from its own app instead of
being called by the projector. Receivers connect in their AppConfig.ready().
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent once the matches' rows are committed (a receiver's reads see them), by the projector's class
# with ``projector`` (the instance) and ``matches`` (the new Match rows: a redelivery sends none).
matches_projected = Signal()

# Sent by ``projector.close()`` once its runner has stopped (or an operator's retry is done), with
# ``projector``: a receiver runs now what it deferred for that projector, rather than on a thread
# the process is about to leave behind.
projector_closed = Signal()
