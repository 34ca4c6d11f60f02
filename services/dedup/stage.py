"""Dedup: claim groups in (partitioned by speaker block), the same groups with cluster ids out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import faust

from services.dedup.clusters import assign_clusters
from shared.records import ClaimGroup
from shared.topics import CLUSTERED_CLAIMS, DEDUP_CLUSTERS, EXTRACTED_CLAIMS
from shared.worker import Out, Source, Stage


class Dedup(Stage[ClaimGroup]):
    name = "dedup"
    source = EXTRACTED_CLAIMS
    input_model = ClaimGroup
    outputs = (CLUSTERED_CLAIMS,)
    table: Any = None

    def bind(self, app: faust.App) -> None:
        # Keyed by speaker block like the source topic, so each worker owns its blocks' clusters;
        # the changelog topic restores the table after a restart.
        self.table = app.Table(DEDUP_CLUSTERS.name, default=None, partitions=self.settings.partitions)

    async def process(self, record: ClaimGroup, source: Source) -> Sequence[Out]:
        window = self.settings.dedup_window_days * 86400
        clustered = assign_clusters(record, self.table, window_s=window)
        return [Out(CLUSTERED_CLAIMS, clustered.block, clustered)]
