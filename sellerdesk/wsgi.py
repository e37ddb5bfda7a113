import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellerdesk.settings.production")

application = get_wsgi_application()

# Load the policy engine's dictionaries now, not on the first keystroke; with
# `gunicorn --preload` the workers then share one loaded copy.
from sellerdesk.policy import check  # noqa: E402

check("Здравствуйте! Спасибо за вопрос. Хорошего дня!", "chat")
