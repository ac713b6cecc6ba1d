"""What the analysis stage tells other apps, as Django signals.

``story_merged(keep, gone)``: the clusterer found two stored stories to be one (the same
event told in two languages); ``gone`` (a Story pk) was folded into ``keep`` and deleted.
Sent inside the batch's transaction, so a receiver's writes commit or roll back with it.
"""

from __future__ import annotations

from django.dispatch import Signal

story_merged = Signal()
