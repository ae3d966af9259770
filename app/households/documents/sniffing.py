"""What a document is, read from its first bytes, never from its name or the client's word.

Four kinds of file are taken: PDF (authorisations, certificates, scans), JPEG, PNG and
WebP (photos and scans that every browser shows). HEIC, what iPhones take photos in, is
refused: browsers do not display it, and phones convert to JPEG when a web page asks for
a file. Anything else (an office document, a script, HTML a browser could run) is 415.

A small check of the formats' signatures rather than a library: the allow-list is four
formats whose signatures their specifications fix (PDF 1.7 §7.5.2, JPEG's SOI marker
followed by a marker, PNG's eight-byte signature and first IHDR chunk, RIFF with the WEBP
form type), and each is matched whole. `filetype` (last release 2022) and `puremagic`
guess among hundreds of formats, and a guess is not what an allow-list wants.
"""

from dataclasses import dataclass

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"


@dataclass(frozen=True, slots=True)
class Signature:
    media_type: str
    extension: str
    prefix: bytes
    at: int = 0
    also: tuple[tuple[int, bytes], ...] = ()
    """Further bytes at fixed offsets (WebP's form type, PNG's IHDR chunk)."""

    def matches(self, head: bytes) -> bool:
        parts = ((self.at, self.prefix), *self.also)
        return all(head[o : o + len(b)] == b for o, b in parts)


SIGNATURES = (
    Signature(PDF, "pdf", b"%PDF-"),
    Signature(JPEG, "jpg", b"\xff\xd8\xff"),
    Signature(PNG, "png", b"\x89PNG\r\n\x1a\n", also=((12, b"IHDR"),)),
    Signature(WEBP, "webp", b"RIFF", also=((8, b"WEBP"),)),
)
ALLOWED = tuple(s.media_type for s in SIGNATURES)
EXTENSIONS = {s.media_type: s.extension for s in SIGNATURES}
HEAD_BYTES = 16
"""How many first bytes the check reads."""


def sniff(head: bytes) -> str | None:
    """The media type of a file that starts with `head`, if it is one we take."""
    return next((s.media_type for s in SIGNATURES if s.matches(head)), None)
