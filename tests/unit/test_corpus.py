"""Unit tests of the synthetic benchmark corpus (``shared.corpus``); everything it writes is invented."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterator

import pytest

from shared import corpus
from shared.corpus import CorpusSpec, generate
from shared.records import Submission

FIELDS = {"id", "url", "outlet", "title", "published_at", "text"}
QUOTE = re.compile(r"[“\"]([^”\"]{30,}?)[,.]?[”\"]")


@pytest.fixture(scope="module")
def articles() -> list[dict[str, object]]:
    return list(generate(200))


def texts(docs: list[dict[str, object]]) -> Iterator[str]:
    for doc in docs:
        assert isinstance(doc["text"], str)
        yield doc["text"]


def long_lines(text: str) -> set[str]:
    return {line for line in text.split("\n") if len(line) > 60}


def syndicated_pairs(docs: list[dict[str, object]]) -> list[tuple[int, int]]:
    """Pairs of articles of different outlets that share most of their long lines."""
    lines = [long_lines(t) for t in texts(docs)]
    return [
        (j, i)
        for i in range(len(docs))
        for j in range(max(0, i - 100), i)
        if docs[i]["outlet"] != docs[j]["outlet"]
        and len(lines[i] & lines[j]) >= 0.4 * min(len(lines[i]), len(lines[j]))
    ]


def test_same_spec_same_output_and_seed_matters() -> None:
    assert list(generate(40)) == list(generate(40))
    assert list(generate(40, CorpusSpec(seed=8))) != list(generate(40))


def test_prefix_property() -> None:
    spec = CorpusSpec(seed=3, syndicated_share=0.3, repeated_share=0.5)
    assert list(generate(80, spec))[:30] == list(generate(30, spec))
    assert list(generate(0, spec)) == []


def test_fields_schema_and_unique_ids(articles: list[dict[str, object]]) -> None:
    for doc in articles:
        assert set(doc) == FIELDS
        assert all(isinstance(v, str) and v for v in doc.values())
        Submission.model_validate(doc)
    assert len({d["id"] for d in articles}) == len(articles)
    assert len({d["url"] for d in articles}) == len(articles)
    assert len({d["outlet"] for d in articles}) == CorpusSpec().outlets
    stamps = [str(d["published_at"]) for d in articles]
    assert stamps == sorted(stamps) and stamps[0].startswith("2026-01-01T")


def test_sizes_are_three_to_five_kilobytes(articles: list[dict[str, object]]) -> None:
    sizes = [len(t.encode()) for t in texts(articles)]
    assert sum(3000 <= s <= 5000 for s in sizes) >= 0.9 * len(sizes)


def test_articles_look_like_news(articles: list[dict[str, object]]) -> None:
    for text in texts(articles):
        lines = text.split("\n")
        assert all(line.strip() for line in lines)
        assert 12 <= len(lines) <= 32
        attributions = re.findall(
            r"[“\"][A-Z]| (?:said|told|added|warned|insisted|argued|denied|rejected|dismissed)\b", text
        )
        assert len(attributions) + text.count("According to") >= 8
    corpus_text = "\n".join(texts(articles))
    for mark in ("“", '"', "\u00a0", " said that ", "According to ", "denied", "warned that"):
        assert mark in corpus_text


def test_outlet_boilerplate_repeats(articles: list[dict[str, object]]) -> None:
    by_outlet: dict[object, list[set[str]]] = defaultdict(list)
    for doc in articles:
        assert isinstance(doc["text"], str)
        by_outlet[doc["outlet"]].append(set(doc["text"].split("\n")))
    for outlet, docs in by_outlet.items():
        common = set.intersection(*docs)
        assert any(len(line) > 20 for line in common), outlet


def cross_outlet_quotes(spec: CorpusSpec, n: int = 150) -> int:
    """How many quotes (30+ characters) appear verbatim in articles of two or more outlets."""
    outlets: dict[str, set[object]] = defaultdict(set)
    for doc in generate(n, spec):
        assert isinstance(doc["text"], str)
        for quote in QUOTE.findall(doc["text"]):
            outlets[quote].add(doc["outlet"])
    return sum(len(o) >= 2 for o in outlets.values())


def test_repeated_statements_occur_across_outlets() -> None:
    assert cross_outlet_quotes(CorpusSpec(syndicated_share=0.0)) >= 20
    always = cross_outlet_quotes(CorpusSpec(syndicated_share=0.0, repeated_share=1.0))
    assert always > 1.3 * cross_outlet_quotes(CorpusSpec(syndicated_share=0.0, repeated_share=0.0))


def test_syndicated_copies_exist_only_when_asked() -> None:
    docs = list(generate(200, CorpusSpec(syndicated_share=0.2)))
    pairs = syndicated_pairs(docs)
    assert len(pairs) >= 10
    for j, i in pairs:
        assert docs[i]["text"] != docs[j]["text"]
    assert syndicated_pairs(list(generate(200, CorpusSpec(syndicated_share=0.0)))) == []


def test_spec_is_checked_eagerly() -> None:
    for n, spec in [
        (-1, CorpusSpec()),
        (1, CorpusSpec(outlets=0)),
        (1, CorpusSpec(outlets=corpus.MAX_OUTLETS + 1)),
        (1, CorpusSpec(repeated_share=1.5)),
        (1, CorpusSpec(syndicated_share=-0.1)),
        (1, CorpusSpec(start="yesterday")),
    ]:
        with pytest.raises(ValueError):
            generate(n, spec)
    one = list(generate(20, CorpusSpec(outlets=1, syndicated_share=1.0, start="2027-05-04")))
    assert {d["outlet"] for d in one} == {corpus._outlet_name(0)}
    assert str(one[0]["published_at"]).startswith("2027-05-04")


def every_option(template: str) -> Iterator[str]:
    """The template with each option of each ``[a|b]`` group chosen at least once."""
    pieces = corpus._pieces(template)
    width = max((len(p) for p in pieces if isinstance(p, tuple)), default=1)
    for j in range(width):
        yield "".join(p if isinstance(p, str) else p[j % len(p)] for p in pieces)


def templates(kind: corpus._Kind) -> tuple[str, ...]:
    """Every template an event of ``kind`` may fill."""
    generic = (
        corpus.GENERIC_CON
        + corpus.GENERIC_PRO
        + corpus.GENERIC_GOV
        + corpus.GENERIC_NEUTRAL
        + corpus.GENERIC_LOCAL
    )
    said = kind.con + kind.pro + kind.gov + kind.neutral + kind.local + kind.acc_con + kind.acc_pro
    lines = kind.headlines + kind.ledes + kind.facts + kind.background + kind.scenes + kind.closings
    roles = tuple(r.appos for r in kind.roles) + tuple(r.desc for r in kind.roles)
    tails: tuple[str, ...] = sum(corpus.TAILS.values(), ())
    return generic + corpus.GENERIC_ACC_GOV + tails + said + lines + roles


def test_every_template_fills() -> None:
    rng = random.Random(0)
    voice = {"we": "we", "our": "our", "are": "are", "have": "have", "do": "do", "were": "were"}
    figures = {key: make(rng) for key, make in corpus.FIGURES.items()}
    for kind in corpus.KINDS:
        for variant in kind.variants:
            ctx = corpus._numbers(rng) | {
                "place": "Quenby", "country": corpus.COUNTRY, "capital": corpus.CAPITAL,
                "uni": corpus.UNIVERSITIES[0], "river_name": corpus.RIVERS[0],
            }  # fmt: skip
            for key, template in variant:
                ctx[key] = corpus._fill(template, ctx, rng)
            full = ctx | voice | figures | {"spokes": "spokesman"}
            for template in templates(kind):
                for text in every_option(template):
                    assert "{" not in text.format_map(full)
                if " ~" in template:
                    assert template.partition(" ~")[2].startswith(corpus.CONNECTORS)
