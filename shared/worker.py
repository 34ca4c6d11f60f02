"""The one worker base every stage builds on, and its binding to Faust.

A stage declares its source topic and input record, and overrides ``process``: given a valid
record it returns the messages to produce. The binding does the rest, identically for every
stage: decode and validate, call ``process``, produce, and give every message exactly one named
outcome:

- ``ok``: outputs produced, then the offset is acked (committed after, never before);
- ``dead-letter``: the message itself is bad (``DecodeError``, ``Rejected``, or an unexpected
  error raised by ``process`` for this message): a ``DeadLetter`` with reason, original bytes and
  source offset goes to the dead-letter topic and the stage moves on;
- ``skip``: ``process`` returned no output on purpose (counted with its reason);
- transient infrastructure failures (the broker unreachable) are not caught here: Faust's
  producer retries, and a crash restarts from the last committed offset (at-least-once).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, NoReturn, TypeVar

import faust
from aiokafka.errors import KafkaError
from faust.exceptions import FaustError

from shared import metrics
from shared.memory import freeze_alive
from shared.records import DeadLetter, Record
from shared.serde import DecodeError, decode, encode
from shared.settings import Settings
from shared.topics import DEADLETTER, TopicSpec

log = logging.getLogger(__name__)
R = TypeVar("R", bound=Record)


MAX_CONSECUTIVE_INTERNAL_ERRORS = 20

# Failures of Kafka or Faust themselves, not of the message: never dead-lettered.
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (KafkaError, FaustError)


class Rejected(Exception):
    """Raised by ``process`` when the message can never be processed: dead-letter it."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Out:
    """One message to produce."""

    topic: TopicSpec
    key: str | None
    value: Record


@dataclass(frozen=True, slots=True)
class Source:
    """Where the message being processed came from."""

    topic: str
    partition: int
    offset: int
    timestamp: float | None
    key: bytes | None


class Stage(ABC, Generic[R]):
    """A pipeline stage: subclasses set the class attributes and override ``process``."""

    name: ClassVar[str]
    source: ClassVar[TopicSpec]
    input_model: type[R]
    outputs: ClassVar[tuple[TopicSpec, ...]]

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def concurrency(self) -> int:
        """How many messages the stage may work on at once (above 1, order within a partition
        is lost; offsets are still committed only up to the lowest unfinished message)."""
        return 1

    def bind(self, app: faust.App) -> None:
        """Declare tables or other Faust resources on ``app`` before the worker starts."""

    async def start(self) -> None:
        """Open clients (HTTP, index) once the worker runs."""

    async def stop(self) -> None:
        """Close what ``start`` opened."""

    @abstractmethod
    async def process(self, record: R, source: Source) -> Sequence[Out]:
        """Handle one valid record; raise ``Rejected`` for a message that can never succeed."""


def raw_topic(app: faust.App, spec: TopicSpec, settings: Settings) -> faust.TopicT:
    """A topic of raw bytes: claimwire decodes and validates itself, so nothing is lost silently."""
    config: dict[str, Any] = {}
    if spec.compacted:
        config["cleanup.policy"] = "compact"
    if spec.retention_ms is not None:
        config["retention.ms"] = str(spec.retention_ms)
    return app.topic(
        spec.full_name(settings.topic_prefix),
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=settings.partitions,
        config=config or None,
    )


def dead_letter(stage: str, reason: str, error: str, raw: bytes | None, src: Source, cap: int) -> DeadLetter:
    """Build the dead-letter record for ``raw`` (kept whole up to ``cap`` bytes)."""
    value = raw or b""
    return DeadLetter(
        stage=stage,
        reason=reason,
        error=error[:2000],
        topic=src.topic,
        partition=src.partition,
        offset=src.offset,
        timestamp=src.timestamp,
        key_b64=base64.b64encode(src.key).decode() if src.key is not None else None,
        value_b64=base64.b64encode(value[:cap]).decode(),
        value_len=len(value),
        value_truncated=len(value) > cap,
        dead_at=time.time(),
    )


class _Binding:
    """What stages and sinks share: output topics, dead letters, start/stop hooks."""

    def __init__(
        self,
        name: str,
        settings: Settings,
        app: faust.App,
        outputs: Sequence[TopicSpec],
        hooks: Stage[Any] | Sink,
    ) -> None:
        self.name = name
        self.settings = settings
        self.app = app
        self.targets = {spec.name: raw_topic(app, spec, settings) for spec in (*outputs, DEADLETTER)}

        async def _start() -> None:
            await hooks.start()
            # Everything alive now (modules, rules, models, the app) lives as long as the
            # process: out of the cyclic collector's reach, full collections stay short.
            freeze_alive()

        async def _stop(sender: Any, **kwargs: Any) -> None:
            await hooks.stop()

        app.task(_start)
        app.on_before_shutdown.connect(_stop)  # type: ignore[arg-type]
        install_commit_guard()
        self._holes: dict[Any, tuple[int, int]] = {}  # partition -> (hole offset, sightings)
        app.timer(HOLE_CHECK_S, name=f"{name}-hole-check")(self._check_holes)

    def _consume(self, spec: TopicSpec) -> faust.TopicT:
        """The source topic ``spec``, registered with the commit guard unless compacted."""
        topic = raw_topic(self.app, spec, self.settings)
        if not spec.compacted:
            strict: frozenset[str] = getattr(self.app, STRICT_TOPICS, frozenset())
            setattr(self.app, STRICT_TOPICS, strict | {spec.full_name(self.settings.topic_prefix)})
        return topic

    async def _check_holes(self) -> None:
        now = holes(self.app.consumer)
        self._holes = {
            tp: (hole, self._holes[tp][1] + 1 if self._holes.get(tp, (None, 0))[0] == hole else 1)
            for tp, hole in now.items()
        }
        for tp, (hole, seen) in self._holes.items():
            where = f"{tp.topic}[{tp.partition}]@{hole}"
            if seen >= HOLE_CHECKS + HOLE_SEEK_CHECKS:
                _exit_without_commit(f"{where} was dropped before processing, and again after a seek")
            if seen == HOLE_CHECKS:
                # Read again from the hole: cheaper than a restart (rebalance, table recovery).
                # The messages after it are redelivered too, and their effects are idempotent.
                log.warning("%s was dropped before processing: reading the partition again from there", where)
                metrics.MESSAGES.labels(self.name, "retry", "dropped-by-faust").inc()
                await self.app.consumer.seek(tp, hole)

    async def _dead(self, reason: str, error: str, raw: bytes | None, src: Source) -> None:
        letter = dead_letter(self.name, reason, error, raw, src, self.settings.dlq_max_value_bytes)
        log.warning(
            "dead letter from %s: %s (%s[%d]@%d)",
            self.name,
            error[:200],
            src.topic,
            src.partition,
            src.offset,
        )
        await self._send(DEADLETTER, self.name, encode(letter))
        metrics.MESSAGES.labels(self.name, "dead-letter", reason).inc()

    async def _send(self, spec: TopicSpec, key: str | None, value: bytes) -> None:
        fut: Any = await self.targets[spec.name].send(
            key=key.encode() if key is not None else None, value=value
        )
        fut.add_done_callback(_exit_if_undelivered)
        metrics.PRODUCED.labels(self.name, spec.name).inc()


def _exit_if_undelivered(fut: Any) -> None:
    """A message the producer gave up on must not have its source offset committed.

    Faust flushes the producer before committing but does not check delivery results, and a
    graceful stop would commit past the loss. So exit at once, without committing: the restarted
    worker resumes from the last commit and produces the message again (at-least-once).
    """
    if fut.cancelled() or fut.exception() is None:
        return
    _exit_without_commit(f"message not delivered: {fut.exception()!r}")


# ---------------------------------------------------------------------------- Faust guards
# Faust 0.15.3 can lose a message when a worker starts or its partitions are reassigned. Seen in
# the chaos tests (one claim group lost after a restart) and reproduced with dedup alone:
#
# 1. At the end of recovery, ``Recovery.on_recovery_completed`` (and ``_resume_streams``) resume
#    the source partitions and only then seek them to the committed offset. The fetcher, already
#    running, delivers the first messages meanwhile; the seek then resets the read offset under
#    the fetch loop, and the message after the first one (committed 719: 719 handled, 720 never
#    delivered, 721 next) falls between the two. Fix: seek first, then resume.
# 2. ``Consumer._new_offset`` refuses a hole at the head of the acked offsets only when it is
#    more than one message wide: committed 720 with 721 and 722 acked commits 723, so a lost 720
#    is skipped for good. Gaps the fetch loop sees are also recorded as acked, which is right only
#    for compacted topics. Fix, for the topics a binding declares contiguous (not compacted):
#    never commit past an offset that was not acked, never record a fetch gap as acked.
# 3. Should a message still go missing (it does under load in stages that write a table, with
#    no rebalance: cause not found), commits stop at it; the binding's timer sees the hole
#    persist with nothing in flight for it and seeks the partition back to it, so the message
#    and those after it are read again (at-least-once). If the hole survives the seeks, the
#    worker exits without commit and the restarted worker reads it again.

STRICT_TOPICS = "claimwire_strict_topics"  # attribute on the Faust app: topic names
HOLE_CHECK_S = 2.0
HOLE_CHECKS = 2  # consecutive sightings of the same hole before seeking back to it (2-4 s)
# Sightings after the seek before exiting without commit: the messages buffered before the seek
# are processed first, so the hole may take a while to fill (30 s).
HOLE_SEEK_CHECKS = 15
_faust_new_offset: Any = None
_faust_add_gap: Any = None


def _is_strict(consumer: Any, tp: Any) -> bool:
    return tp.topic in getattr(consumer.app, STRICT_TOPICS, ())


def _guarded_new_offset(consumer: Any, tp: Any) -> int | None:
    """Faust's ``_new_offset``, except that it never moves past an offset nobody acked."""
    if _is_strict(consumer, tp):
        committed, acked = consumer._committed_offset[tp], consumer._acked[tp]
        if committed is not None and acked and min(acked) > committed:
            return None
    return _faust_new_offset(consumer, tp)  # type: ignore[no-any-return]


async def _guarded_add_gap(consumer: Any, tp: Any, offset_from: int, offset_to: int) -> None:
    if _is_strict(consumer, tp):
        # Offsets of a non-compacted topic are contiguous: missing ones were lost, not compacted.
        log.warning(
            "%s: offsets %d..%d were not delivered; not committing past them", tp, offset_from, offset_to
        )
        return
    await _faust_add_gap(consumer, tp, offset_from, offset_to)


def _seek_before_resume(resume_streams: Any) -> Any:
    """Wrap a Faust recovery step so that source partitions resume only after their seek."""

    async def step(recovery: Any, *args: Any, **kwargs: Any) -> None:
        consumer = recovery.app.consumer
        deferred: list[Any] = []
        perform_seek = consumer.perform_seek

        async def seek_then_resume() -> None:
            await perform_seek()
            while deferred:
                type(consumer).resume_partitions(consumer, deferred.pop(0))

        consumer.resume_partitions, consumer.perform_seek = deferred.append, seek_then_resume
        try:
            await resume_streams(recovery, *args, **kwargs)
        finally:
            del consumer.resume_partitions, consumer.perform_seek  # back to the class's methods
            while deferred:  # nothing was assigned, so there was no seek
                consumer.resume_partitions(deferred.pop(0))

    return step


def install_commit_guard() -> None:
    """Patch Faust once per process (see the comment above)."""
    global _faust_new_offset, _faust_add_gap
    from faust.tables.recovery import Recovery
    from faust.transport.consumer import Consumer

    if _faust_new_offset is None:
        _faust_new_offset, _faust_add_gap = Consumer._new_offset, Consumer._add_gap
        Consumer._new_offset = _guarded_new_offset  # type: ignore[method-assign,assignment]
        Consumer._add_gap = _guarded_add_gap  # type: ignore[method-assign,assignment]
        Recovery.on_recovery_completed = _seek_before_resume(Recovery.on_recovery_completed)  # type: ignore[method-assign]
        Recovery._resume_streams = _seek_before_resume(Recovery._resume_streams)  # type: ignore[method-assign]


def holes(consumer: Any) -> dict[Any, int]:
    """Per strict partition, the first offset past the commit that is neither acked nor in flight
    while later offsets are acked: a message the stream dropped."""
    in_flight = {(m.tp, m.offset) for m in list(consumer.unacked)}
    found = {}
    for tp, acked in list(consumer._acked.items()):
        committed = consumer._committed_offset[tp]
        if not _is_strict(consumer, tp) or committed is None or not acked:
            continue
        if min(acked) > committed and (tp, committed) not in in_flight:
            found[tp] = committed
    return found


def _exit_without_commit(why: str) -> NoReturn:
    # Raising inside a Faust agent would ack the message (lost), and a graceful stop commits:
    # only an immediate exit leaves the offset uncommitted for the restarted worker.
    log.critical("%s: exiting without commit", why)
    logging.shutdown()
    os._exit(75)


class Runner(_Binding):
    """Binds a stage to a Faust app: the agent loop, one outcome per message."""

    def __init__(self, stage: Stage[Any], app: faust.App) -> None:
        super().__init__(stage.name, stage.settings, app, stage.outputs, stage)
        self.stage = stage
        self.internal_errors = 0
        stage.bind(app)
        source = self._consume(stage.source)
        app.agent(source, name=f"{stage.name}-agent", concurrency=stage.concurrency())(self._agent)

    async def _agent(self, stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            await self.handle(event.message.value, _source(event.message))

    async def handle(self, raw: bytes | None, src: Source) -> None:
        """Process one raw message to exactly one outcome (see the module docstring)."""
        stage = self.stage
        started = time.perf_counter()
        try:
            record = decode(stage.input_model, raw, max_bytes=stage.settings.max_message_bytes)
            outputs = await stage.process(record, src)
            encoded = _encode_outputs(outputs, stage.settings.max_message_bytes)
        except (DecodeError, Rejected) as exc:
            await self._dead(exc.reason, str(exc), raw, src)
            return
        except INFRASTRUCTURE_ERRORS as exc:
            _exit_without_commit(f"infrastructure error {exc!r}")
        except Exception as exc:  # a bug or an input we did not foresee: contain it to this message
            log.exception("%s failed on %s[%d]@%d", stage.name, src.topic, src.partition, src.offset)
            await self._dead("internal-error", f"{type(exc).__name__}: {exc}", raw, src)
            self.internal_errors += 1
            if self.internal_errors >= MAX_CONSECUTIVE_INTERNAL_ERRORS:
                # Every message failing is the service's fault (a missing file, a broken
                # dependency), not the messages': stop dead-lettering good input and restart.
                _exit_without_commit(f"{self.internal_errors} consecutive internal errors")
            return
        self.internal_errors = 0
        for out, value in encoded:
            await self._send(out.topic, out.key, value)
        outcome = "ok" if outputs else "skip"
        metrics.MESSAGES.labels(stage.name, outcome, "").inc()
        metrics.PROCESSING.labels(stage.name).observe(time.perf_counter() - started)


def _encode_outputs(outputs: Sequence[Out], limit: int) -> list[tuple[Out, bytes]]:
    """Encode every output before sending any; one the next stage would refuse as too large
    (or the producer fail on, exiting the worker over and over) rejects the input instead."""
    encoded = [(out, encode(out.value)) for out in outputs]
    for out, value in encoded:
        if len(value) > limit:
            raise Rejected("output-too-large", f"{out.topic.name} message of {len(value)} bytes > {limit}")
    return encoded


def _source(message: Any) -> Source:
    ts = message.timestamp
    return Source(message.topic, message.partition, message.offset, float(ts) if ts else None, message.key)


@dataclass(frozen=True, slots=True)
class WriteRejection:
    """A record the sink's store refused for good (the record's fault, e.g. a mapping error).

    ``record`` must be one of the objects given to ``Sink.write`` (matched by identity): the
    runner dead-letters the message it was decoded from, with ``reason`` and ``detail``.
    """

    record: Record
    reason: str
    detail: str = ""


class Sink(ABC):
    """A terminal stage: consumes several topics in batches and writes them somewhere."""

    name: ClassVar[str]
    sources: ClassVar[tuple[tuple[TopicSpec, type[Record]], ...]]

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def start(self) -> None:  # noqa: B027
        """Open the index."""

    async def stop(self) -> None:  # noqa: B027
        """Close the index."""

    @abstractmethod
    async def write(self, records: Sequence[Record]) -> Sequence[WriteRejection] | None:
        """Write a batch durably (idempotently); return the records refused for good.

        Raise only for transient failures (the store unreachable or overloaded): the runner
        then retries the whole batch and stops consuming meanwhile. Records the store refuses
        because of their content are returned instead, and the runner dead-letters them.
        """


class SinkRunner(_Binding):
    """Binds a sink: one agent per source topic, each taking batches; offsets acked after write."""

    def __init__(self, sink: Sink, app: faust.App) -> None:
        super().__init__(sink.name, sink.settings, app, (), sink)
        self.sink = sink
        for spec, model in sink.sources:
            topic = self._consume(spec)
            app.agent(topic, name=f"{sink.name}-{spec.name}")(self._batch_agent(model))

    def _batch_agent(self, model: type[Record]) -> Any:
        s = self.sink.settings

        async def agent(stream: Any) -> None:  # faust.Stream: take_events is missing from StreamT
            async for events in stream.take_events(s.indexer_batch_size, within=s.indexer_batch_seconds):
                await self.handle_batch(model, events)

        return agent

    async def _write_until_done(self, records: Sequence[Record]) -> Sequence[WriteRejection]:
        # The batch is acked as soon as this returns, so a failed write must not return: retry
        # with back-off, which also stops consumption (backpressure) while the index is down.
        delay = 0.5
        while True:
            try:
                return await self.sink.write(records) or ()
            except Exception:
                log.exception(
                    "%s: write of %d records failed; retrying in %.1fs", self.name, len(records), delay
                )
                metrics.MESSAGES.labels(self.name, "retry", "write-failed").inc(len(records))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    async def handle_batch(self, model: type[Record], events: Sequence[Any]) -> None:
        """Decode every event (dead-lettering bad ones) and write the good ones in one call."""
        started = time.perf_counter()
        good: list[Record] = []
        origin: dict[int, Any] = {}  # id(record) -> the event it was decoded from
        for event in events:
            src = _source(event.message)
            try:
                record = decode(model, event.message.value, max_bytes=self.sink.settings.max_message_bytes)
            except DecodeError as exc:
                await self._dead(exc.reason, str(exc), event.message.value, src)
                continue
            good.append(record)
            origin[id(record)] = event
        rejected = await self._write_until_done(good) if good else ()
        dead = 0
        for r in rejected:
            event = origin.pop(id(r.record), None)
            if event is None:  # not a record of this batch (or reported twice): nothing to ack apart
                log.error("%s rejected a record that is not in the batch: %s", self.name, r.reason)
                continue
            detail = f"{r.reason}: {r.detail}" if r.detail else r.reason
            await self._dead(r.reason, detail, event.message.value, _source(event.message))
            dead += 1
        metrics.MESSAGES.labels(self.sink.name, "ok", "").inc(len(good) - dead)
        metrics.BATCH.labels(self.sink.name).observe(len(events))
        metrics.PROCESSING.labels(self.sink.name).observe(time.perf_counter() - started)
