"""Hostile inputs built on the fly (never committed): PDFs that expand, long lines.

Each builder streams its output through ``zlib`` so a bomb that inflates to gigabytes
is built in bounded memory. Used by the reader tests and ``benchmarks/reader_bombs.py``.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator


def _pdf(contents: list[bytes], *, page_count: int | None = None) -> bytes:
    """A PDF whose pages draw the given (already Flate-compressed) content streams; with
    ``page_count`` that many pages all drawing the first stream."""
    objects: list[bytes] = [b"", b"",
                            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    stream_ids = []
    for compressed in contents:
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(compressed)
                       + compressed + b"\nendstream")
        stream_ids.append(len(objects))
    kids = []
    for k in range(page_count or len(contents)):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>"
                       % stream_ids[0 if page_count else k])
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                  + b"] /Count %d >>" % len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def _deflate(chunks: Iterator[bytes]) -> bytes:
    packer = zlib.compressobj(9)
    parts = [packer.compress(chunk) for chunk in chunks]
    parts.append(packer.flush())
    return b"".join(parts)


def text_bomb_pdf(characters: int, *, pages: int = 1) -> bytes:
    """A small PDF whose pages show ``characters`` letters in all (``Tj`` runs)."""
    run = b"(" + b"A" * 4000 + b") Tj\n"
    per_page = characters // pages

    def content() -> Iterator[bytes]:
        yield b"BT /F1 1 Tf 0 0 Td\n"
        block = run * 256
        left = per_page
        while left >= 4000 * 256:
            yield block
            left -= 4000 * 256
        yield run * (left // 4000 + 1)
        yield b"ET\n"

    stream = _deflate(content())
    return _pdf([stream] * pages)


def inflating_pdf(inflated: int) -> bytes:
    """A PDF whose one content stream inflates to ``inflated`` bytes (of blanks, then a
    little text): a decompression bomb for the reader's memory budget."""
    chunk = b" " * (1 << 22)

    def content() -> Iterator[bytes]:
        for _ in range(inflated // len(chunk)):
            yield chunk
        yield b"BT /F1 12 Tf 72 720 Td (Kimsuky used evil.example in 2024.) Tj ET\n"

    return _pdf([_deflate(content())])


def many_pages_pdf(pages: int) -> bytes:
    """A PDF of ``pages`` pages that all draw one short line."""
    stream = zlib.compress(b"BT /F1 12 Tf 72 720 Td (APT28 page.) Tj ET\n")
    return _pdf([stream], page_count=pages)


def long_line(characters: int) -> bytes:
    """``characters`` of prose on one line, no line break."""
    sentence = (b"The operators, also known as APT29, sent spearphishing e-mails from "
                b"update-check.example.net to diplomats in Germany in March 2024. ")
    return (sentence * (characters // len(sentence) + 1))[:characters]
