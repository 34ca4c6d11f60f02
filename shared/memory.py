"""Keeping Python's cyclic garbage collector off long-lived objects.

A worker holds objects that live as long as it does (modules, rules, models, dedup's cluster
state): left in the oldest generation, each full collection walks all of them, and a growing
heap triggers one every time it grows by a quarter. ``freeze_alive`` collects what is garbage
now and moves everything still alive out of the collector's reach (``gc.freeze``). Reference
counting still frees frozen objects; only cycles among them are never collected, so callers
that freeze repeatedly pass ``thaw=True`` now and then to give such cycles one full collection.
"""

from __future__ import annotations

import gc


def freeze_alive(thaw: bool = False) -> None:
    """Collect garbage, then freeze every object alive; ``thaw`` first unfreezes earlier ones
    so that the collection also reaches them."""
    if thaw:
        gc.unfreeze()
    gc.collect()
    gc.freeze()
