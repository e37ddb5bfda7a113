from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chats.files import check_chat_files, sniff_content_type
from tests.chats.helpers import fake_pdf_upload, jpeg_bytes, pdf_upload, png_upload


def test_real_files_pass_with_the_type_from_their_content():
    renamed_png = png_upload("scan.pdf")  # the name lies, the bytes decide
    checked = check_chat_files(
        [pdf_upload(), renamed_png, SimpleUploadedFile("a.jpg", jpeg_bytes())]
    )
    assert [c.content_type for c in checked] == ["application/pdf", "image/png", "image/jpeg"]


def test_a_text_file_named_pdf_is_refused_with_its_name():
    with pytest.raises(ValidationError) as refused:
        check_chat_files([fake_pdf_upload("contract.pdf")])
    assert "contract.pdf" in refused.value.messages[0]


def test_a_png_header_on_garbage_is_refused():
    broken = SimpleUploadedFile(
        "x.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 50, content_type="image/png"
    )
    with pytest.raises(ValidationError):
        check_chat_files([broken])


def test_size_limits_per_file_and_per_message():
    big = SimpleUploadedFile(
        "big.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as too_big:
        check_chat_files([big])
    assert "big.pdf" in too_big.value.messages[0]

    near_limit = [
        SimpleUploadedFile(
            f"p{i}.pdf",
            b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024 - 100),
            content_type="application/pdf",
        )
        for i in range(7)
    ]
    with pytest.raises(ValidationError) as too_many:
        check_chat_files(near_limit)
    assert any("30" in message for message in too_many.value.messages)


def test_sniffing():
    assert sniff_content_type(b"%PDF-1.7") == "application/pdf"
    assert sniff_content_type(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff_content_type(b"GIF89a") is None
