"""Chat attachments: a decompression bomb is refused from its header without decoding;
an accepted image is decoded once and its thumbnail made from that decode."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from chats.models import Direction, Message
from tests.chats.helpers import conversation_with, jpeg_bytes
from tests.security._hostile import png_bomb

# Confirmed, so the engine's warnings (they change as its lexicons grow) never decide here.
REPLY = "Здравствуйте, Анна! Спасибо за вопрос. Фото товара во вложении. Хорошего дня!"


def _count_decodes(monkeypatch) -> list[str]:
    """Every pixel decode in Pillow goes through Image._getdecoder."""
    calls: list[str] = []
    original = Image._getdecoder

    def counting(mode, decoder_name, *args, **kwargs):
        calls.append(decoder_name)
        return original(mode, decoder_name, *args, **kwargs)

    monkeypatch.setattr(Image, "_getdecoder", counting)
    return calls


def _send(client, conversation, files):
    return client.post(
        reverse("chats:send", args=[conversation.pk]),
        {"text": REPLY, "files": files, "warnings_confirmed": "1"},
        HTTP_HX_REQUEST="true",
    )


def test_six_png_bombs_are_refused_from_their_headers_and_the_text_is_kept(
    shops, seller_client, monkeypatch
):
    bomb = png_bomb()
    assert len(bomb) < 1_000_000  # small on disk: only its header tells
    decodes = _count_decodes(monkeypatch)
    conversation = conversation_with(shops.mine)
    uploads = [SimpleUploadedFile(f"bomb{i}.png", bomb, "image/png") for i in range(6)]
    response = _send(seller_client, conversation, uploads)
    html = response.content.decode()
    assert response.status_code == 200 and response["HX-Retarget"] == "#reply-box"
    assert "«bomb0.png» — 13000×13000 пикселей; в картинке может быть до 25 млн" in html
    assert html.count("13000×13000") == 6
    assert REPLY in html  # what the seller typed is still in the box
    assert decodes == []  # nothing was decoded
    assert not Message.objects.filter(direction=Direction.OUTGOING).exists()


def test_an_accepted_image_is_decoded_once_and_gets_its_thumbnail(
    shops, seller_client, monkeypatch
):
    monkeypatch.setattr("sellerdesk.marketplaces.services._publish", lambda *_: None)
    decodes = _count_decodes(monkeypatch)
    conversation = conversation_with(shops.mine)
    upload = SimpleUploadedFile("photo.jpg", jpeg_bytes(), "image/jpeg")
    response = seller_client.post(
        reverse("chats:send", args=[conversation.pk]),
        {"text": REPLY, "files": [upload], "warnings_confirmed": "1"},
    )
    assert response.status_code == 302
    attachment = Message.objects.get(direction=Direction.OUTGOING).attachments.get()
    assert attachment.thumbnail.name
    assert len(decodes) == 1


@override_settings(IMAGE_MAX_PIXELS=1000)
def test_the_limit_is_a_setting(shops, seller_client, monkeypatch):
    conversation = conversation_with(shops.mine)
    upload = SimpleUploadedFile("photo.jpg", jpeg_bytes(), "image/jpeg")  # 40x30 = 1200 pixels
    response = _send(seller_client, conversation, [upload])
    assert "40×30" in response.content.decode()
    assert not Message.objects.filter(direction=Direction.OUTGOING).exists()
