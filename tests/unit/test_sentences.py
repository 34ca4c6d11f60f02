"""Unit tests of the sentence splitter (``shared.sentences``); all text here is invented."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # titles and other abbreviations before names and numbers
        (
            "Sen. Ada Morrow met Gov. Ike Lund on Sept. 12. They spoke for an hour.",
            ["Sen. Ada Morrow met Gov. Ike Lund on Sept. 12.", "They spoke for an hour."],
        ),
        (
            "Mr. Lund and Dr. Morrow agreed. No. 4 was chosen.",
            ["Mr. Lund and Dr. Morrow agreed.", "No. 4 was chosen."],
        ),
        # initials
        (
            "The report by John Q. Public was read. It was long.",
            ["The report by John Q. Public was read.", "It was long."],
        ),
        # dotted acronyms: inside a sentence, and at its end before a sentence opener
        (
            "The U.S. Senate voted. Aid went to the U.S. The money arrived.",
            ["The U.S. Senate voted.", "Aid went to the U.S.", "The money arrived."],
        ),
        (
            "They met at 9 a.m. Eastern time. Then they left.",
            ["They met at 9 a.m. Eastern time.", "Then they left."],
        ),
        # decimals and numbers
        (
            "Growth was 3.5 percent. Inflation was 2.1 percent.",
            ["Growth was 3.5 percent.", "Inflation was 2.1 percent."],
        ),
        # ellipses: inside a sentence before lower case, an end before a capital
        (
            "We will go ... if they ask. We waited... Nobody came.",
            ["We will go ... if they ask.", "We waited...", "Nobody came."],
        ),
        # closing quotes after the period stay with their sentence; each quoted sentence is one
        (
            '"The bridge is safe. We checked it," the engineer said. "Fine."',
            ['"The bridge is safe.', 'We checked it," the engineer said.', '"Fine."'],
        ),
        ("“It is over.” Nobody answered.", ["“It is over.”", "Nobody answered."]),
        # a question in quotes followed by its attribution is one sentence
        ("“Why now?” Lund asked. “Because.”", ["“Why now?” Lund asked.", "“Because.”"]),
        # state abbreviations in datelines
        ("He lives in Tulsa, Okla. now. She left.", ["He lives in Tulsa, Okla. now.", "She left."]),
        # brackets
        (
            "Rep. Ann Fox (D-Ore.) spoke. (She was brief.) Then a vote.",
            ["Rep. Ann Fox (D-Ore.) spoke.", "(She was brief.)", "Then a vote."],
        ),
    ],
)
def test_split(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_newlines_always_end_a_sentence() -> None:
    text = "A headline without a period\nThe body starts here. It goes on\n\nLast line"
    assert sentences(text) == [
        "A headline without a period",
        "The body starts here.",
        "It goes on",
        "Last line",
    ]


def test_offsets_point_into_the_text() -> None:
    text = "  First one.   Second one!  \n\n Third?  "
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one!", "Third?"]
    assert split_sentences("") == []
    assert split_sentences(" \n \n") == []


@given(st.text(alphabet=st.sampled_from(list("ab AB.?!\"“”'\n,3")), max_size=120))
def test_contract_holds_for_any_text(text: str) -> None:
    spans = split_sentences(text)
    last = 0
    for a, b in spans:
        assert last <= a < b <= len(text)
        chunk = text[a:b]
        assert chunk == chunk.strip()
        assert "\n" not in chunk
        last = b
