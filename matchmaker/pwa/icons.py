"""Draws the app icons (static/img/icon-192.png, icon-512.png): two linked rings, white on the
brand blue, inside the maskable safe zone. Plain zlib PNG, no imaging library.

    python -m matchmaker.pwa.icons
"""

import struct
import zlib
from pathlib import Path

BRAND = (0x1F, 0x3A, 0x5F)
WHITE = (0xFF, 0xFF, 0xFF)
RINGS = ((0.39, 0.5), (0.61, 0.5))  # centres, as fractions of the side
RADIUS, STROKE = 0.15, 0.045


def pixel(x: float, y: float) -> tuple[int, int, int]:
    for cx, cy in RINGS:
        if abs(((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 - RADIUS) <= STROKE / 2:
            return WHITE
    return BRAND


def png(size: int) -> bytes:
    rows = b"".join(b"\0" + bytes(channel for column in range(size)
                                  for channel in pixel((column + .5) / size, (row + .5) / size))
                    for row in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    folder = Path(__file__).resolve().parents[2] / "static" / "img"
    for size in (192, 512):
        (folder / f"icon-{size}.png").write_bytes(png(size))
