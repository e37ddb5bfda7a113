"""Apps that queued a reply learn about its delivery here, without polling.

``outbound_item_changed`` is sent (on commit) with ``item`` (an ``OutboundItem``) whenever
an item becomes sent or failed, or is queued again after a retry.
"""

from django.dispatch import Signal

outbound_item_changed = Signal()
