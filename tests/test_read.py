"""Reading CSV bytes strictly: encodings, BOM, empty files, quoting, Unicode normalisation."""

from __future__ import annotations

import unicodedata

import pytest

from loaders._read import decode_csv_bytes, parse_csv_text, text_problems


@pytest.mark.parametrize(
    ("data", "allow_bom", "expected"),
    [
        (b"", False, "x.csv:-:-: file is empty"),
        (b"  \n\n", False, "x.csv:-:-: file is empty"),
        (b"\xef\xbb\xbfid\n", False, "x.csv:1:-: file starts with a UTF-8 byte-order mark (BOM)"),
        # Windows-1258, the legacy Vietnamese code page, stores tone marks as combining bytes.
        (
            unicodedata.normalize("NFD", "id\nHải Phòng\n").encode("cp1258"),
            False,
            "x.csv:2:-: text is not valid UTF-8",
        ),
    ],
    ids=["empty", "blank-lines", "bom", "cp1258"],
)
def test_decode_rejects_with_a_located_message(data: bytes, allow_bom: bool, expected: str) -> None:
    text, problems = decode_csv_bytes("x.csv", data, allow_bom=allow_bom)
    assert text is None
    assert len(problems) == 1
    assert str(problems[0]).startswith(expected)


def test_decode_accepts_bom_for_uploads_and_strips_it() -> None:
    text, problems = decode_csv_bytes("upload.csv", "\ufeffid\nHải Phòng\n".encode(), allow_bom=True)
    assert problems == []
    assert text == "id\nHải Phòng\n"


def test_parse_keeps_the_file_line_of_each_record_across_quoted_newlines() -> None:
    text = 'id,note\na,"two\nlines"\nb,plain\n'
    table, problems = parse_csv_text("x.csv", text)
    assert problems == []
    assert table.header == ["id", "note"]
    assert table.rows == [["a", "two\nlines"], ["b", "plain"]]
    assert table.lines == [2, 4]


def test_parse_reports_a_broken_quote() -> None:
    table, problems = parse_csv_text("x.csv", 'id,note\na,"never closed\n')
    assert table is None
    assert "cannot be parsed" in str(problems[0])


def test_text_problems_flag_decomposed_diacritics_and_stray_spaces() -> None:
    decomposed = unicodedata.normalize("NFD", "Tân Vũ")
    table, _ = parse_csv_text("x.csv", f"id,name_vi\ntan_vu,{decomposed}\nlach_huyen, Lạch Huyện\n")
    messages = [str(p) for p in text_problems(table)]
    assert messages == [
        f"x.csv:2:name_vi: text {decomposed!r} is not NFC-normalised (decomposed diacritics) — re-type it or "
        "save the file with composed (NFC) characters",
        "x.csv:3:name_vi: value ' Lạch Huyện' has leading or trailing spaces — remove the spaces",
    ]
