"""Small builders for chat tests: conversations through the real services, and test files."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chats import services
from chats.demo import demo_pdf, demo_png
from chats.models import Conversation
from sellerdesk.core.models import Product, Shop


def conversation_with(
    shop: Shop,
    *,
    buyer: str = "Анна",
    product: Product | None = None,
    texts: tuple[str, ...] = ("Здравствуйте! Где мой заказ?",),
    at: datetime | None = None,
) -> Conversation:
    conversation = services.conversation_create(shop=shop, buyer_name=buyer, product=product)
    moment = at or timezone.now() - timedelta(hours=1)
    for offset, text in enumerate(texts):
        services.buyer_message_receive(
            conversation=conversation, text=text, created_at=moment + timedelta(seconds=offset)
        )
    conversation.refresh_from_db()
    return conversation


def pdf_upload(name: str = "invoice.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_pdf("test invoice"), content_type="application/pdf")


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_png(1, (200, 100, 50)), content_type="image/png")


def jpeg_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def fake_pdf_upload(name: str = "contract.pdf") -> SimpleUploadedFile:
    # A text file wearing a PDF name and content type: only its bytes give it away.
    return SimpleUploadedFile(
        name, b"just some text, not a document\n" * 10, content_type="application/pdf"
    )


GOOD_REPLY = (
    # No delivery date: a date the marketplace controls is an overpromise warning.
    "Здравствуйте, Анна! Спасибо за вопрос. Заказ уже в пути, номер для отслеживания есть в "
    "личном кабинете. Хорошего дня!"
)
