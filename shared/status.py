"""What `claimwire status` reports: per service its consumer group and per partition the lag."""

from __future__ import annotations

import asyncio
from typing import Any

from shared.admin import group_status
from shared.app import group_id
from shared.service import SERVICES, component
from shared.settings import Settings
from shared.worker import Sink


def source_topics(name: str, settings: Settings) -> list[str]:
    """The topics the named service consumes."""
    comp = component(name, settings)
    specs = [spec for spec, _ in comp.sources] if isinstance(comp, Sink) else [comp.source]
    return [s.full_name(settings.topic_prefix) for s in specs]


async def collect(settings: Settings) -> dict[str, Any]:
    """One JSON-able report over all five services."""
    results = await asyncio.gather(
        *(
            group_status(settings, group_id(name, settings), source_topics(name, settings))
            for name in SERVICES
        )
    )
    services = []
    for name, st in zip(SERVICES, results, strict=True):
        services.append(
            {
                "service": name,
                "group": st.group,
                "state": st.state,
                "members": st.members,
                "lag": st.lag,
                "partitions": [
                    {
                        "topic": p.topic,
                        "partition": p.partition,
                        "committed": p.committed,
                        "end": p.end,
                        "lag": p.lag,
                    }
                    for p in st.partitions
                ],
            }
        )
    return {"services": services, "total_lag": sum(s["lag"] for s in services)}
