"""Unit tests of attribution cues beyond "X said": nouns, adjectives, verbs of knowing,
documents as sources, relative clauses, quoted titles and where content ends.

Every text here is invented; names and places are fictional.
"""

from __future__ import annotations

import pytest

from services.extractor.extract import Claim, extract_claims


def only(text: str) -> Claim:
    claims = [c for c in extract_claims(text) if c.kind != "statement"]
    assert len(claims) == 1, claims
    return claims[0]


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        # speech and attitude nouns with their possessor or holder
        ("Lund laughed at the minister's claim that the canals leak.", "minister", "the canals leak"),
        ("Farmers have raised concerns about the falling water level.", "Farmers", "the falling water level"),
        ("The mayor voiced doubts about the new dam, which opened in May.", "mayor", "the new dam"),
        # adjectives of attitude after a copula
        ("Ricci is convinced that the dam will hold.", "Ricci", "the dam will hold"),
        ("The growers were worried about the drought.", "growers", "the drought"),
        # verbs of knowing and deciding, only with a clause
        ("Mr. Lund expected that the vote would pass.", "Lund", "the vote would pass"),
        ("The board decided not to raise the fees.", "board", "not to raise the fees"),
        ("Varga made it clear that the council would not pay.", "Varga", "the council would not pay"),
    ],
)
def test_noun_adjective_and_mental_cues(text: str, speaker: str, content: str) -> None:
    claim = only(text)
    assert (claim.kind, claim.speaker, claim.text) == ("reported", speaker, content)


def test_knowing_without_a_clause_is_no_claim() -> None:
    assert extract_claims("She knew the river well.") == []


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("A 2019 study by the University of Saltmora found that the river had warmed.", "University"),
        ("A poll of 600 voters shows the mayor losing her seat.", "poll"),
        ("Another slide shows that most exports go north.", "slide"),
        ("The report says the dam was built too fast.", "report"),
    ],
)
def test_polls_reports_and_studies_are_sources(text: str, speaker: str) -> None:
    claim = only(text)
    assert claim.kind == "reported"
    assert claim.speaker is not None and speaker in claim.speaker


def test_according_to_a_long_source_and_after_a_dash() -> None:
    one = only(
        "According to a complaint filed by the harbor board and two of its unions, the cranes were unsafe."
    )
    assert one.speaker is not None and "harbor board" in one.speaker
    assert one.text == "the cranes were unsafe"
    two = only("The river is rising — according to the harbor board.")
    assert (two.speaker, two.text) == ("harbor board", "The river is rising")


def test_a_relative_clause_reports_for_its_antecedent() -> None:
    claim = only("Lund met Varga, who in 2019 said the bridge was unsafe.")
    assert (claim.speaker, claim.text) == ("Varga", "the bridge was unsafe")


def test_a_raising_verb_keeps_the_subject() -> None:
    claim = only("Anderson largely agreed and seemed to think the plan was sound.")
    assert (claim.speaker, claim.cue, claim.text) == ("Anderson", "think", "the plan was sound")


def test_a_finding_inside_a_trailing_attribution_is_the_speaker_s() -> None:
    text = "Governor Nadia Holm spoke.\nReadings at the gauge showed flows down by six percent, she said."
    claim = only(text)
    assert (claim.speaker, claim.text) == (
        "Nadia Holm",
        "Readings at the gauge showed flows down by six percent",
    )


@pytest.mark.parametrize(
    "text",
    [
        'The paper ran the headline "Dam Will Hold, Engineers Say" on Monday.',  # a quoted title
        'Her show, called "River Life," airs on Sundays.',  # naming, not speaking
        "The mayor called in to a radio show on Monday.",  # a phone call
        "Those talks are going well, he was told by nobody.",  # a passive "told by"
    ],
)
def test_not_attributions(text: str) -> None:
    assert [c for c in extract_claims(text) if c.kind != "statement"] == []


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("Berg said the port was open; the ferries were still idle.", "the port was open"),
        ("Berg said the port was open, but the ferries were still idle.", "the port was open"),
        (
            "The mayor criticized the plan as reckless during a meeting in the town hall.",
            "the plan as reckless",
        ),
        (
            "The mayor urged the board to act before the vote in May.",
            "the board to act before the vote in May",
        ),
    ],
)
def test_where_content_ends(text: str, content: str) -> None:
    assert only(text).text == content


def test_a_trailing_attribution_reports_the_whole_clause() -> None:
    claims = extract_claims("Farmers worried about the drought, the mayor said on Monday.")
    said = next(c for c in claims if c.cue == "said")
    assert (said.speaker, said.text) == ("mayor", "Farmers worried about the drought")


def test_a_parenthetical_attribution_after_a_copula_is_not_passive() -> None:
    claim = only("The talks are continuing, he said.")
    assert (claim.cue, claim.text) == ("said", "The talks are continuing")
