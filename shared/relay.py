"""A stage that does no work: decode, encode, produce. The benchmark's plumbing limit.

It runs through the same worker binding as the real stages, so five relays chained measure
exactly what the pipeline's message hops cost without the stages' own work.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ConfigDict

from shared.records import Record
from shared.settings import Settings
from shared.topics import TopicSpec
from shared.worker import Out, Source, Stage


class Opaque(Record):
    """Any JSON object, passed on unchanged."""

    model_config = ConfigDict(frozen=True, extra="allow")


class Relay(Stage[Opaque]):
    name = "relay"
    input_model = Opaque

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        # Per instance: each relay in the chain reads and writes its own pair of topics.
        self.source = TopicSpec(settings.relay_from, key="any")  # type: ignore[misc]
        self.outputs = (TopicSpec(settings.relay_to, key="any"),)  # type: ignore[misc]

    async def process(self, record: Opaque, source: Source) -> Sequence[Out]:
        key = source.key.decode("utf-8", "replace") if source.key is not None else None
        return [Out(self.outputs[0], key, record)]
