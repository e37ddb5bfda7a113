import logging
import os

from celery import Celery
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellerdesk.settings.local")

logger = logging.getLogger(__name__)

app = Celery("sellerdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


_restore_unacked = kombu_redis.QoS.restore_unacked


def _restore_unacked_unless_gone(self: kombu_redis.QoS, client=None) -> None:
    """Put unacknowledged messages back on the queue, unless the broker connection is gone.

    When Redis restarts under a worker that holds ETA tasks (the SLA timers always hold some),
    Celery first collects the broken connection and then closes it; closing tries to restore
    the unacknowledged messages through the connection that is already gone, and kombu's
    ``AttributeError: 'NoneType' object has no attribute 'hostname'`` stops the worker for
    good ("Unrecoverable error"). Without a connection there is nothing to restore through:
    the messages stay in Redis's unacked index (restored after the visibility timeout, if
    Redis kept them), the worker reconnects, and the beat sweeps (SLA clocks, the outbox)
    bring every due timer and reply back within a minute.
    """
    try:
        _restore_unacked(self, client)
    except AttributeError:
        connection = self.channel.connection
        if connection is not None and connection.client is not None:
            raise
        # kombu's stubs call it None; at run time it is the dict of held delivery tags.
        delivered: dict = self._delivered  # type: ignore[assignment]
        logger.warning(
            "broker connection lost holding %d unacknowledged message(s); the sweeps cover them",
            len(delivered),
        )
        delivered.clear()


kombu_redis.QoS.restore_unacked = _restore_unacked_unless_gone  # type: ignore[method-assign]
