"""Bytes → text: BOMs, UTF-8, legacy codepages, declared charsets, and what must be refused."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from transforms.clean.decode import decode
from transforms.errors import RejectedArticle

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bad_input"
BBC_LATIN1 = Path(__file__).resolve().parents[3] / "shared" / "data" / "bbc-news" / "sport" / "199.txt"


def test_utf8_is_decoded_as_utf8() -> None:
    assert decode("Größe – 5 €".encode()) == ("Größe – 5 €", "utf-8")


def test_utf8_bom_is_stripped() -> None:
    assert decode(codecs.BOM_UTF8 + "Héllo".encode()) == ("Héllo", "utf-8-sig")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_bom(encoding: str) -> None:
    text = "News: Zürich wins again, 3-1."
    data = text.encode(encoding)
    decoded, _ = decode(data)
    assert decoded == text


def test_latin1_pound_sign_decodes_to_pound() -> None:
    text, encoding = decode((FIXTURES / "latin1_pound.txt").read_bytes())
    assert "£10m" in text
    assert encoding == "cp1252"


@pytest.mark.skipif(not BBC_LATIN1.exists(), reason="BBC corpus not available")
def test_bbc_latin1_file_decodes_pound() -> None:
    text, _ = decode(BBC_LATIN1.read_bytes())
    assert "£" in text and "\ufffd" not in text


def test_cp1252_punctuation() -> None:
    text, encoding = decode((FIXTURES / "cp1252_quotes.txt").read_bytes())
    assert "“regrets”" in text and "café’s" in text and "–" in text and "…" in text
    assert encoding == "cp1252"


def test_central_european_text_prefers_cp1250() -> None:
    original = "Mało wiemy o tym, jak żyją ludzie. Zażółć gęślą jaźń, powiedział rzecznik."
    assert decode(original.encode("cp1250")) == (original, "cp1250")


def test_french_cp1252_is_not_mistaken_for_cp1250() -> None:
    original = "Le ministre a déclaré très tôt que la réforme était « nécessaire » à Paris."
    assert decode(original.encode("cp1252"))[0] == original


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Президент России заявил во вторник, что правительство намерено увеличить расходы.", "cp1251"),
        ("Президент России заявил во вторник, что правительство намерено увеличить расходы.", "koi8_r"),
        ("日本語のテキストです。これはニュース記事のテストです。", "shift_jis"),
    ],
)
def test_non_latin_legacy_encodings_are_detected(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding))[0] == text


def test_declared_charset_is_used_when_bytes_are_not_utf8() -> None:
    original = "Ceská republika a Slovensko: cena 5 Kč"
    data = original.encode("iso8859_2")
    assert decode(data, hint="iso-8859-2") == (original, "iso8859_2")


def test_declared_charset_is_ignored_for_valid_utf8_and_unknown_labels() -> None:
    assert decode("Größe".encode(), hint="iso-8859-1")[1] == "utf-8"
    assert decode("Größe".encode("cp1252"), hint="no-such-charset")[0] == "Größe"


def test_latin1_label_means_windows_1252() -> None:
    assert decode("“quoted”".encode("cp1252"), hint="ISO-8859-1") == ("“quoted”", "cp1252")


def test_mojibake_is_decoded_as_is() -> None:
    text, encoding = decode((FIXTURES / "mojibake_utf8.txt").read_bytes())
    assert encoding == "utf-8"
    assert "cafÃ©" in text


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", codecs.BOM_UTF8 + b"  \n", "  \n".encode("utf-16")])
def test_empty_or_whitespace_only_is_rejected(data: bytes) -> None:
    with pytest.raises(RejectedArticle) as raised:
        decode(data)
    assert (raised.value.stage, raised.value.reason) == ("read", "empty_input")


def test_png_is_binary() -> None:
    with pytest.raises(RejectedArticle) as raised:
        decode((FIXTURES / "image_named.html").read_bytes())
    assert raised.value.reason == "binary_content"


def test_control_characters_without_nul_are_binary() -> None:
    data = bytes(range(1, 32)) * 20 + b"some text"
    with pytest.raises(RejectedArticle, match="binary_content"):
        decode(data)


def test_zip_archive_is_binary() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("article.txt", "An article. " * 200)
    with pytest.raises(RejectedArticle, match="binary_content"):
        decode(buffer.getvalue())


def test_tabs_form_feeds_and_escape_are_text() -> None:
    assert decode(b"col1\tcol2\fnext page\x1b$B")[0].startswith("col1\tcol2")
