"""The commit guard (``shared.worker``): never commit past an offset that was not processed.

Faust's own ``Consumer._new_offset`` lets a one-message hole at the head of the acked offsets
through (committed 1702, acked 1703 and 1704: it commits 1705). The chaos suite lost a claim group
to exactly that after a restart; these properties pin the guard that prevents it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from faust.transport.consumer import Consumer
from faust.types import TP
from hypothesis import given, settings
from hypothesis import strategies as st
from intervaltree import IntervalTree

from shared import worker

STRICT, COMPACTED = TP("fuzz.claims.extracted", 0), TP("fuzz.claims.clusters", 0)


@dataclass
class FakeApp:
    claimwire_strict_topics: frozenset[str] = frozenset({STRICT.topic})


@dataclass(frozen=True)
class Msg:
    tp: TP
    offset: int


@dataclass
class FakeConsumer:
    """The consumer state ``_new_offset`` and ``holes`` read."""

    app: FakeApp = field(default_factory=FakeApp)
    _acked: defaultdict[TP, list[int]] = field(default_factory=lambda: defaultdict(list))
    _acked_index: defaultdict[TP, set[int]] = field(default_factory=lambda: defaultdict(set))
    _gap: defaultdict[TP, Any] = field(default_factory=lambda: defaultdict(IntervalTree))
    _committed_offset: defaultdict[TP, int | None] = field(default_factory=lambda: defaultdict(lambda: None))
    unacked: set[Msg] = field(default_factory=set)


def consumer(committed: int, acked: list[int], tp: TP = STRICT) -> FakeConsumer:
    c = FakeConsumer()
    c._committed_offset[tp] = committed
    c._acked[tp] = list(acked)
    c._acked_index[tp] = set(acked)
    return c


def new_offset(c: FakeConsumer, tp: TP) -> int | None:
    """The consumer's commit decision as patched in this process (looked up at call time)."""
    worker.install_commit_guard()
    decide: Any = Consumer._new_offset
    return decide(c, tp)  # type: ignore[no-any-return]


def test_faust_alone_skips_a_one_message_hole() -> None:
    # The upstream behaviour the guard exists for (if this fails, Faust fixed it: good news).
    worker.install_commit_guard()
    assert worker._faust_new_offset(consumer(1702, [1703, 1704]), STRICT) == 1705


def test_guard_holds_the_commit_at_the_hole() -> None:
    worker.install_commit_guard()
    assert new_offset(consumer(1702, [1703, 1704]), STRICT) is None
    assert new_offset(consumer(1702, [1702, 1703, 1704]), STRICT) == 1705
    # Compacted topics keep Faust's behaviour: their offsets have gaps by design.
    assert new_offset(consumer(1702, [1703, 1704], COMPACTED), COMPACTED) == 1705


@settings(max_examples=300, deadline=None)
@given(
    committed=st.integers(1, 1000),
    acked=st.lists(st.integers(-5, 30), max_size=20, unique=True),
)
def test_guard_never_commits_past_an_unacked_offset(committed: int, acked: list[int]) -> None:
    worker.install_commit_guard()
    offsets = sorted(committed + a for a in acked if committed + a >= 0)
    new = new_offset(consumer(committed, offsets), STRICT)
    if new is not None and new > committed:
        assert set(range(committed, new)) <= set(offsets)


def test_holes_ignore_messages_in_flight() -> None:
    c = consumer(1702, [1703, 1704])
    assert worker.holes(c) == {STRICT: 1702}
    c.unacked = {Msg(STRICT, 1702)}  # delivered, still being processed: not a hole
    assert worker.holes(c) == {}
    assert worker.holes(consumer(1702, [1702, 1703])) == {}
    assert worker.holes(consumer(1702, [1703], COMPACTED)) == {}


class Exited(Exception):
    pass


@dataclass
class SeekingConsumer(FakeConsumer):
    seeks: list[tuple[TP, int]] = field(default_factory=list)

    async def seek(self, tp: TP, offset: int) -> None:
        self.seeks.append((tp, offset))


@dataclass
class FakeBinding:
    """What ``_Binding._check_holes`` reads: the app's consumer and the sightings so far."""

    consumer: SeekingConsumer
    name: str = "dedup"
    _holes: dict[Any, tuple[int, int]] = field(default_factory=dict)

    @property
    def app(self) -> Any:
        return self


async def test_a_lasting_hole_is_read_again_then_exited_on(monkeypatch: Any) -> None:
    def exit_without_commit(why: str) -> None:
        raise Exited(why)

    monkeypatch.setattr(worker, "_exit_without_commit", exit_without_commit)
    c = SeekingConsumer()
    c._committed_offset[STRICT], c._acked[STRICT] = 154, [155, 156]
    binding = FakeBinding(c)
    check = worker._Binding._check_holes
    await check(binding)  # type: ignore[arg-type]
    assert c.seeks == []  # seen once: it may still arrive
    await check(binding)  # type: ignore[arg-type]
    assert c.seeks == [(STRICT, 154)]  # seen twice: read the partition again from the hole
    for _ in range(worker.HOLE_SEEK_CHECKS - 1):
        await check(binding)  # type: ignore[arg-type]
    assert c.seeks == [(STRICT, 154)]  # one seek, then patience while the buffer drains
    try:
        await check(binding)  # type: ignore[arg-type]
    except Exited as exc:
        assert "@154" in str(exc)
    else:
        raise AssertionError("a hole that outlived the seek must end the worker without commit")


async def test_a_filled_hole_resets_the_count(monkeypatch: Any) -> None:
    c = SeekingConsumer()
    c._committed_offset[STRICT], c._acked[STRICT] = 154, [155]
    binding = FakeBinding(c)
    check = worker._Binding._check_holes
    await check(binding)  # type: ignore[arg-type]
    c._committed_offset[STRICT], c._acked[STRICT] = 156, []  # 154 arrived and was committed
    await check(binding)  # type: ignore[arg-type]
    assert c.seeks == [] and binding._holes == {}
