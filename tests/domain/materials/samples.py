"""Real sample files for the materials tests, built from scratch: a PDF with English and Chinese text
(a CJK font named by the PDF standard's Adobe-GB1 collection, strings in UTF-16), a DOCX written by
python-docx, a WAV by the stdlib `wave`, a PNG, a minimal MP4 (ftyp + moov/mvhd), SRT and WebVTT.
"""

from __future__ import annotations

import io
import struct
import wave
import zlib

import docx
from docx.table import Table

# Valid numbers for the samples (the ID's check digit is right, the card passes Luhn).
PHONE = "13812345678"
ID_NUMBER = "110101199003071233"
CARD = "6222 0212 3456 7890 128"
EMAIL = "zhang.san@example.com"


def pdf(pages: list[list[tuple[str, str]]]) -> bytes:
    """A PDF whose pages show the given lines; each line is ("en", text) in Helvetica or ("zh", text) in
    STSong-Light (Adobe-GB1, UniGB-UCS2-H: the text is written as UTF-16BE)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below, once the pages object exists
    pages_id = add(b"")
    helvetica = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    descendant = add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 4 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 "
        b"/StemV 93 >> >>"
    )
    song = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [%d 0 R] >>" % descendant
    )
    page_ids = []
    for lines in pages:
        stream = b"BT\n"
        y = 780
        for language, text in lines:
            if language == "zh":
                stream += b"/F2 14 Tf 1 0 0 1 50 %d Tm <%s> Tj\n" % (
                    y,
                    text.encode("utf-16-be").hex().encode(),
                )
            else:
                escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                stream += b"/F1 12 Tf 1 0 0 1 50 %d Tm (%s) Tj\n" % (y, escaped.encode("cp1252"))
            y -= 24
        stream += b"ET"
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>"
                % (pages_id, content, helvetica, song)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    kids = b" ".join(b"%d 0 R" % page for page in page_ids)
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))

    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    )
    return out.getvalue()


def encrypted_pdf(source: bytes, user_password: str) -> bytes:
    """`source` encrypted by pypdf (AES-128); an empty user password still opens without one."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(source))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes() -> bytes:
    """A DOCX with a heading, Chinese and English paragraphs, a table with a merged cell and a table nested
    in a cell."""
    document = docx.Document()
    document.add_heading("客户需求 Customer requirements", level=1)
    document.add_paragraph(f"联系人张三，手机{PHONE}，邮箱{EMAIL}。")
    document.add_paragraph("The unit must run at 45 °C without derating.")
    table: Table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "料号 Part"
    table.cell(0, 1).text = "数量 Qty"
    table.cell(0, 2).text = "备注 Note"
    table.cell(1, 0).text = "AB-1234-5678"
    table.cell(1, 1).text = "300"
    table.cell(1, 2).text = f"身份证{ID_NUMBER}"
    merged = table.cell(2, 0).merge(table.cell(2, 2))
    merged.text = "合并单元格 merged cell"
    nested = table.cell(1, 2).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "嵌套 nested"
    nested.cell(0, 1).text = "inner cell"
    document.add_paragraph("结尾段落 final paragraph")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def wav(seconds: float, rate: int = 8000) -> bytes:
    """A mono 16-bit WAV of silence lasting `seconds`."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(b"\x00\x00" * round(seconds * rate))
    return out.getvalue()


def png(width: int, height: int) -> bytes:
    """An RGB PNG of grey pixels, `width` wide and `height` high."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def mp4(duration_ms: int, brand: bytes = b"isom", padding: int = 0) -> bytes:
    """An ISO-BMFF file with an `ftyp`, an `mdat` of `padding` zero bytes and a `moov` whose `mvhd` says
    the movie lasts `duration_ms` (timescale 1000), as encoders that write the index last do."""

    def box(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", 8 + len(data)) + kind + data

    ftyp = box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand + b"mp41")
    mvhd = box(
        b"mvhd",
        b"\x00\x00\x00\x00"
        + struct.pack(">IIII", 0, 0, 1000, duration_ms)
        + b"\x00\x01\x00\x00\x01\x00"
        + b"\x00" * 70,
    )
    return ftyp + box(b"mdat", b"\x00" * padding) + box(b"moov", mvhd)


SRT = (
    "1\n00:00:01,000 --> 00:00:03,500\n客户：我的电话是 138 1234 5678。\n\n"
    "2\n00:00:04,000 --> 00:00:06,000\n<i>Sales:</i> please e-mail zhang.san@example.com\n\n"
    "3\n00:00:06,500 --> 00:00:08,000\n好的 &amp; thanks\n"
)

VTT = (
    "WEBVTT - call with the customer\n\n"
    "NOTE recorded on site, not for publication\n\n"
    "intro\n00:00:01.000 --> 00:00:03.500 align:start\n<v 客户>我们需要在三月前交付</v>\n\n"
    "00:00:04.000 --> 00:00:06.000\n<v Sales>Delivery before <b>March</b> is fine.\n"
)
