"""Dedup: claim groups in (partitioned by speaker block), clustered groups and clusters out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import faust

from services.dedup.clusters import ClusterState
from shared.records import ClaimGroup
from shared.topics import CLUSTERED_CLAIMS, CLUSTERS, DEDUP_CLUSTERS, EXTRACTED_CLAIMS
from shared.worker import Out, Source, Stage


class Dedup(Stage[ClaimGroup]):
    name = "dedup"
    source = EXTRACTED_CLAIMS
    input_model = ClaimGroup
    outputs = (CLUSTERED_CLAIMS, CLUSTERS)
    state: ClusterState | None = None

    def bind(self, app: faust.App) -> None:
        # Partitioned like the source topic (by speaker block): each worker owns its blocks'
        # clusters; the changelog topic restores the table after a restart or rebalance.
        table = app.Table(DEDUP_CLUSTERS.name, default=None, partitions=self.settings.partitions)
        self.state = ClusterState(table=table, window_s=self.settings.dedup_window_days * 86400)
        self._stale = True

        async def _reindex(sender: Any, **kwargs: Any) -> None:
            self._stale = True  # the owned partitions changed: rebuild the index lazily

        app.on_rebalance_complete.connect(_reindex)  # type: ignore[arg-type]

    async def process(self, record: ClaimGroup, source: Source) -> Sequence[Out]:
        assert self.state is not None
        if self._stale or not self.state.in_sync():
            self.state.rebuild()
            self._stale = False
        clustered, clusters = self.state.assign(record, source.partition)
        return [
            Out(CLUSTERED_CLAIMS, clustered.block, clustered),
            *(Out(CLUSTERS, c.cluster_id, c) for c in clusters),
        ]
