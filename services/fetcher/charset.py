"""Turning a page's bytes into text without mojibake.

Evidence, strongest first (close to the WHATWG encoding sniffing algorithm):

1. a byte order mark;
2. the charset of the Content-Type header;
3. ``<meta charset>`` / ``<meta http-equiv="Content-Type">`` or an XML declaration in the first
   bytes;
4. the bytes themselves: valid UTF-8, else charset-normalizer's best guess;
5. windows-1252 with replacement characters, which never fails.

A declared encoding is used only if the bytes decode with it strictly, and a legacy Latin
encoding only if the text it gives is plausible: UTF-8 bytes declared as ISO-8859-1 give "Ã©",
and Cyrillic windows-1251 bytes read as windows-1252 give "Ïðèâåò" — both are caught and the next
evidence is used. A header saying ISO-8859-1 or US-ASCII is often the web server's default rather
than the author's choice (Apache's ``AddDefaultCharset``), so a ``<meta>`` that disagrees wins.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels the web treats as windows-1252 (WHATWG Encoding Standard), and the ones servers default to.
_AS_CP1252 = frozenset({"latin_1", "iso8859_1", "ascii", "cp1252"})
_WEAK_HEADER = frozenset({"latin_1", "iso8859_1", "ascii"})
_LATIN_SINGLE_BYTE = _AS_CP1252 | {"iso8859_15", "cp1250", "iso8859_2", "cp1254", "cp1257", "mac_roman"}
_META = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_HEAD_BYTES = 4096
WEB_ENCODINGS = frozenset(
    {"utf_8", "utf_16", "utf_16_le", "utf_16_be", "ascii", "latin_1", "cp866", "cp874", "tis_620"}
    | {f"cp{n}" for n in range(1250, 1259)}
    | {f"iso8859_{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)}
    | {"koi8_r", "koi8_u", "mac_cyrillic", "gb2312", "gbk", "gb18030", "big5", "big5hkscs"}
    | {"euc_jp", "iso2022_jp", "shift_jis", "cp932", "euc_kr", "cp949"}
)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # Python codec name actually used
    source: str  # "bom", "header", "meta", "utf-8", "sniffed" or "fallback"


def normalise(label: str | None) -> str | None:
    """The Python codec name for a charset label, web aliases applied; None if unknown."""
    name = _codec(label)
    if name is None:
        return None
    if name in _AS_CP1252:
        return "cp1252"
    # A page cannot really be UTF-16 without a BOM when its <meta> is readable as ASCII.
    return "utf_8" if name.startswith("utf_16") or name.startswith("utf_32") else name


def declared_in_markup(body: bytes) -> str | None:
    """The charset label of the first <meta> or XML declaration in the page's first bytes."""
    match = _META.search(body[:_HEAD_BYTES])
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii")


def decode_page(body: bytes, header_charset: str | None) -> Decoded:
    """The page's text, decoded from the best evidence (see the module docstring)."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return Decoded(body.decode(codec, errors="replace"), codec, "bom")
    header, meta = normalise(header_charset), normalise(declared_in_markup(body))
    candidates = [(header, "header"), (meta, "meta")]
    if _codec(header_charset) in _WEAK_HEADER and meta and meta != header:
        candidates.reverse()
    for label, source in candidates:
        if label is not None and (text := _strict(body, label)) is not None:
            return Decoded(text, label, source)
    if (text := _strict(body, "utf_8")) is not None:
        return Decoded(text, "utf_8", "utf-8")
    return _sniff(body)


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name.replace("-", "_")
    except LookupError:
        return None


def _strict(body: bytes, codec: str) -> str | None:
    """``body`` decoded strictly with ``codec``, or None if that fails or gives Latin mojibake."""
    if codec in _LATIN_SINGLE_BYTE and not body.isascii() and _strict_utf8_ok(body):
        # Non-ASCII bytes that happen to be valid UTF-8 are UTF-8: no Latin text looks like that.
        return None
    try:
        text = body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    if codec in _LATIN_SINGLE_BYTE and not plausible_latin(text):
        return None
    return text


def _strict_utf8_ok(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def plausible_latin(text: str) -> bool:
    """Whether text read with a Latin single-byte encoding looks like a Latin-script language.

    In real Latin-script text most letters are ASCII (accented letters are under a third even in
    Icelandic or Hungarian); other scripts' bytes read as Latin are nearly all accented letters.
    """
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 20:
        return True
    accented = sum(1 for c in letters if "\u00c0" <= c <= "\u00ff")
    return accented / len(letters) < 0.4


def _sniff(body: bytes) -> Decoded:
    # DOS and other code pages no web page uses can score better on short texts (cp775 for French):
    # only the encodings of the WHATWG Encoding Standard are candidates.
    matches = [m for m in from_bytes(body) if m.encoding in WEB_ENCODINGS]
    if not matches:
        return Decoded(body.decode("cp1252", errors="replace"), "cp1252", "fallback")
    best = min(matches, key=lambda m: (round(m.chaos, 2), -m.coherence))
    # Between guesses that score alike (short texts often tie cp1250 and cp1252) prefer
    # windows-1252: the web's default legacy encoding.
    ties = (m for m in matches if round(m.chaos, 2) <= round(best.chaos, 2) and m.coherence >= best.coherence)
    codec = "cp1252" if any("cp1252" in m.could_be_from_charset for m in ties) else best.encoding
    text = body.decode(codec, errors="replace")
    if codec in _LATIN_SINGLE_BYTE and not plausible_latin(text):
        return Decoded(str(best), best.encoding, "sniffed")
    return Decoded(text, codec, "sniffed")
