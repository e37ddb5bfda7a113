"""The hostile inputs of the hardening report, shared by the adversarial tests here."""

from __future__ import annotations

import json

DEEP_BRACKETS = "[" * 100_000
DEEP_OBJECTS = '{"a":' * 50_000 + "1" + "}" * 50_000
LONG_NUMBER = "9" * 5000
# A personal template that joins a variable to itself a few hundred times.
SELF_JOIN_BODY = "{{ " + " ~ ".join(["buyer_name"] * 300) + " }}"
MEGABYTE_NAME = "Анна" * 250_000  # 1,000,000 characters


def jsonl(*items: object) -> str:
    return "".join((item if isinstance(item, str) else json.dumps(item)) + "\n" for item in items)


def variation_heavy_body(blocks: int = 20, alternatives: int = 10) -> str:
    """A body near 4,000 characters with ``blocks`` variations of ``alternatives`` wordings,
    each with template code."""
    parts = ["Здравствуйте, {{ buyer_name }}! "]
    for block in range(blocks):
        alts = "|".join(f"{{{{sku}}}}{block}{alt}" for alt in range(alternatives))
        parts.append("{~ " + alts + " ~} Спасибо. ")
    return "".join(parts)


def png_bomb(width: int = 13_000, height: int = 13_000) -> bytes:
    """A valid greyscale PNG of ``width`` x ``height`` black pixels: a few hundred KB on
    disk, ``width * height`` bytes once decoded. Built row by row, never held decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte + pixels
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )
