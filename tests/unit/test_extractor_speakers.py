"""Unit tests of speaker resolution (``services.extractor.resolver`` and ``speakers``).

Every text here is invented; names and places are fictional.
"""

from __future__ import annotations

import pytest

from services.extractor.extract import Claim, extract_claims
from services.extractor.resolver import gender_of
from services.extractor.speakers import parse_source


def speakers(text: str) -> list[str | None]:
    return [c.speaker for c in extract_claims(text)]


def only(text: str) -> Claim:
    claims = extract_claims(text)
    assert len(claims) == 1, claims
    return claims[0]


# ------------------------------------------------------------------------------------ pronouns


def test_he_and_she_take_the_latest_speaker_of_their_gender() -> None:
    text = (
        "Harbor chief Paolo Ricci spoke first. Mayor Anna Kowalski followed him.\n"
        '"The dam is safe," he said.\n'
        '"The town is ready," she said.'
    )
    assert speakers(text) == ["Paolo Ricci", "Anna Kowalski"]


def test_a_person_named_as_subject_is_a_pronoun_antecedent() -> None:
    text = 'Governor Ingrid Dahl toured the flooded quay on Monday.\n"We will rebuild every pier," she said.'
    assert speakers(text) == ["Ingrid Dahl"]


def test_honorifics_tell_the_gender() -> None:
    text = 'Mr. Lund and Ms. Varga spoke after the vote.\n"The count was fair," she said.'
    assert speakers(text) == ["Varga"]
    assert gender_of("Varga", "Ms.", "") == "f"
    assert gender_of("Lund", None, "Mr. Lund spoke.") == "m"
    assert gender_of("Dana Orsel", "spokeswoman for the port", "") == "f"
    assert gender_of("Kim Arvo", None, "") is None  # unknown: compatible with either pronoun


def test_they_takes_a_group() -> None:
    text = (
        "Mayor Anna Kowalski met the harbor board on Friday.\n"
        "The harbor board said the piers would reopen.\n"
        '"We need more time," they said.'
    )
    assert speakers(text) == ["harbor board", "harbor board"]


# -------------------------------------------------------------------------------- descriptions


def test_a_definite_description_resolves_to_the_titled_name() -> None:
    text = (
        "President Ana Sorel opened the bridge on Monday.\n"
        "The president said the town had waited long enough."
    )
    claim = only(text)
    assert (claim.speaker, claim.speaker_title) == ("Ana Sorel", "president")


def test_a_role_with_a_complement_in_the_title_resolves() -> None:
    text = (
        "Minister of Water Aurelia Fenn visited the dam.\n"
        'The minister was blunt: "Water is a national resource."'
    )
    assert speakers(text) == ["Aurelia Fenn"]


@pytest.mark.parametrize(
    "text",
    [
        # Indefinite: someone new, not the spokesman named before.
        "Harbor spokesman Tom Berg spoke on Monday.\nA spokesman for the city said the port was shut.",
        # Someone else's role: "his lawyer" is not the lawyer named before.
        "Ms. Ilse Varga, a lawyer, left early.\nHis lawyer said the appeal would be filed.",
    ],
)
def test_indefinite_and_possessive_descriptions_stay_as_written(text: str) -> None:
    claim = extract_claims(text)[-1]
    assert claim.speaker in ("spokesman for the city", "lawyer")


def test_description_then_name_and_possessor_then_name() -> None:
    one = only("A spokesman for the harbor board, Tom Berg, said the port would reopen.")
    assert (one.speaker, one.speaker_title) == ("Tom Berg", "spokesman for the harbor board")
    two = only("The harbor board's spokesman Tom Berg said the port would reopen.")
    assert two.speaker == "Tom Berg"


def test_inverted_description_then_name_keeps_the_relative_clause_in_the_title() -> None:
    claim = only('"The gates will open," said the deputy governor, Tobias Wren, who runs the dam.')
    assert (claim.speaker, claim.speaker_title) == ("Tobias Wren", "deputy governor, who runs the dam")


def test_an_institution_description_resolves_to_its_full_name() -> None:
    text = (
        "According to the Estravan Water Authority, the reservoir is half full.\n"
        "The authority said the gates would open in May."
    )
    assert speakers(text) == ["Estravan Water Authority", "Estravan Water Authority"]


def test_a_bank_name_with_a_title_is_not_a_description() -> None:
    claim = only("Bank of Estrava Governor Henrik Saalberg said inflation was too high.")
    assert (claim.speaker, claim.speaker_title) == ("Henrik Saalberg", "Bank of Estrava Governor")


# ------------------------------------------------------------------------- media and titles


@pytest.mark.parametrize(
    "text",
    [
        "Ricci told Radio North that the dam was safe.",
        '"The dam is safe," Ricci told the Harbor Gazette on Monday.',
        "Ricci said in an interview with Radio North that the dam was safe.",
    ],
)
def test_the_medium_is_not_the_speaker(text: str) -> None:
    assert only(text).speaker == "Ricci"


def test_title_holds_the_appositive_and_the_title_before_the_name() -> None:
    one = only("Ilse Berg, a hydrologist at the University of Saltmora, said the river was rising.")
    assert (one.speaker, one.speaker_title) == ("Ilse Berg", "hydrologist at the University of Saltmora")
    two = only('"The river is rising," said Sen. Ann Fox (D-Ore.), the ranking member of the committee.')
    assert (two.speaker, two.speaker_title) == ("Ann Fox", "Sen., ranking member of the committee")


def test_a_surname_after_a_given_name_is_not_a_title() -> None:
    assert parse_source("Charlie King, a river pilot").name == "Charlie King"
    assert parse_source("the President").name is None


# ------------------------------------------------------------------------------- subjects


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("In a statement, the union's lawyer, Mira Solvang, said the strike was legal.", "Mira Solvang"),
        ("In Kessary, Edda Morrow, head of the growers' federation, said the wells were dry.", "Edda Morrow"),
        ("Varga, who chairs the council, said the budget was balanced.", "Varga"),
        ("Lund on Tuesday said the council would meet again.", "Lund"),
        ("Lund this week said the council would meet again.", "Lund"),
        ("Experts on river management said the dam was too small.", "Experts on river management"),
        ("Sixty percent said the plan was too expensive.", "Sixty percent"),
        ("Officials who reviewed the plans told the Gazette that the bridge was unsafe.", None),
        ("Johan Lind, 59, of Saltmora, Ark., said he had voted for the plan.", "Johan Lind"),
        ("Sources said the talks had collapsed.", "Sources"),
        ("The Estravan Water Authority is saying that the gates will open.", "Estravan Water Authority"),
    ],
)
def test_subjects_with_appositives_adverbials_and_modifiers(text: str, speaker: str | None) -> None:
    claim = only(text)
    assert claim.kind == "reported"
    if speaker is not None:
        assert claim.speaker == speaker
    else:
        assert claim.speaker is not None and claim.speaker.startswith("Officials")


def test_leading_adverbs_and_number_words_are_not_names() -> None:
    text = (
        "Governor Henrik Saalberg acknowledged the pain. Together, the three rises have added costs.\n"
        '"We did not take this decision lightly," he said.'
    )
    assert speakers(text)[-1] == "Henrik Saalberg"
    assert only("Twenty-seven towns said the tax was unfair.").speaker != "Twenty-seven"
