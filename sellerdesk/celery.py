import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellerdesk.settings.local")

app = Celery("sellerdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
