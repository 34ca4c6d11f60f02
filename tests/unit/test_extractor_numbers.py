"""Unit tests of quantities (``services.extractor.numbers``) and unattributed statements.

Every text here is invented; names, places and figures are fictional.
"""

from __future__ import annotations

import pytest

from services.extractor.extract import extract_claims
from services.extractor.numbers import find_numbers, quantities


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("More than 2,300 dockworkers walked out at 6 a.m. on Monday", ((2300.0, "dockworkers"),)),
        ("The bank raised its rate to 4.75 percent", ((4.75, "percent"),)),
        ("Inflation was 4.6% in April, down from 8.9%", ((4.6, "percent"), (8.9, "percent"))),
        ("by 25 basis points", ((25.0, "basis points"),)),
        ("The dam cost 840 million marks", ((840e6, "marks"),)),
        ("It sent £450 million in aid and a $33-billion package", ((450e6, "GBP"), (33e9, "USD"))),
        ("the repairs would cost 3.5 million euros", ((3.5e6, "EUR"),)),
        ("The port handled 4.1 million containers", ((4.1e6, "containers"),)),
        ("Five civilians were killed and 16 people injured", ((5.0, "civilians"), (16.0, "people"))),
        ("The river runs some 280 kilometres south", ((280.0, "kilometres"),)),
    ],
)
def test_quantities_are_normalised(text: str, numbers: tuple[tuple[float, str], ...]) -> None:
    assert find_numbers(text) == numbers


@pytest.mark.parametrize(
    "text",
    [
        "The dam was finished in 2021.",  # a year
        "They met on April 1 and again on Sept. 11.",  # days of the month
        "The strike began at 6 a.m.",  # a clock time
        "It was a 12-day stoppage for a 63-year-old.",  # hyphenated modifiers
        "He met them (two) times.",  # no unit
    ],
)
def test_dates_times_and_modifiers_are_not_quantities(text: str) -> None:
    assert find_numbers(text) == ()


def test_quantities_keep_their_offsets() -> None:
    text = "Ferries carried 1,200 people."
    (q,) = quantities(text)
    assert text[q.start : q.end].startswith("1,200") and (q.value, q.unit) == (1200.0, "people")


def test_unattributed_sentences_with_quantities_are_statements() -> None:
    text = (
        "Five civilians were killed in the shelling overnight.\n"
        'The harbor board said 40 ships were waiting. "We need 12 more tugs," Berg said.\n'
        "The town is quiet.\n"
        "Repairs to the pier will cost 3.5 million euros."
    )
    claims = extract_claims(text)
    statements = [(c.text, c.speaker, c.numbers) for c in claims if c.kind == "statement"]
    assert statements == [
        ("Five civilians were killed in the shelling overnight.", None, ((5.0, "civilians"),)),
        ("Repairs to the pier will cost 3.5 million euros.", None, ((3.5e6, "EUR"),)),
    ]
    # Attributed claims carry their quantities too.
    reported = next(c for c in claims if c.kind == "reported")
    assert (reported.speaker, reported.numbers) == ("harbor board", ((40.0, "ships"),))
    quote = next(c for c in claims if c.kind == "quote")
    assert quote.numbers == ((12.0, "tugs"),)
