"""`claimwire bench`: measure the pipeline against its limits on the real local broker.

One run measures, on a synthetic corpus (``shared.corpus``):
- stage functions alone, as throughput per core (CPU time of this process, so other load on
  the machine does not count against them): cleaning and extraction in articles/s, dedup in
  claims/s with 10k (and, in full runs, 1M) claims stored, embedded indexing in docs/s;
- the plumbing limit: five chained no-work relays (consume, decode, encode, produce) through the
  same worker binding as the stages;
- end to end: N articles published as fast as possible through the five real services until
  all are indexed; then publish-to-searchable latency p50/p99 at a fixed offered load of 50% of
  that throughput; peak memory (RSS) per service;
- fetching: pages/s from a local server answering after 50 ms, politeness raised for it, and
  requests/s to one host under the default politeness (the limit holding);
- indexing: bulk docs/s and query latency p50/p99 over 100k claims (10k in quick runs) in the
  embedded index and, in full runs, in a local OpenSearch node (``services.indexer.bench``).
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import pickle
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from services.cleaner.boilerplate import RULES
from services.cleaner.clean import warm_up
from services.cleaner.stage import clean_article
from services.dedup.clusters import ClusterState
from services.dedup.normalize import STOPWORDS
from services.extractor.stage import article_claims, group_claims, to_doc
from services.fetcher.stage import from_submission
from services.indexer.sqlite_index import SqliteIndex
from shared.corpus import CorpusSpec, generate
from shared.infra import kafka
from shared.memory import freeze_alive
from shared.publish import publish
from shared.records import ClaimGroup, CleanedArticle, Submission
from shared.settings import Settings, child_env
from shared.supervisor import down, up

TARGETS = {
    "e2e_articles_per_s": 500.0,
    "clean_articles_per_s": 2000.0,
    "extract_articles_per_s": 500.0,
    "dedup_claims_per_s": 5000.0,
    "dedup_claims_per_s_1m": 4000.0,
    "dedup_1m_vs_10k": 0.8,  # the 1M figure against the 10k one measured beside it
    "fetch_pages_per_s": 300.0,
}


@dataclass(frozen=True, slots=True)
class BenchPlan:
    """How big a run is; ``quick`` fits in about a minute."""

    stage_articles: int
    e2e_articles: int
    latency_seconds: float
    dedup_1m: bool
    index_claims: int
    fetch_pages: int = 500
    opensearch: bool = False  # also index into a local OpenSearch node (started and stopped here)
    kafka_port: int = 19492
    data_dir: Path = Path(".data/bench")

    @classmethod
    def quick(cls) -> BenchPlan:
        return cls(
            stage_articles=300, e2e_articles=1500, latency_seconds=8.0, dedup_1m=False, index_claims=10_000
        )

    @classmethod
    def full(cls, articles: int = 10000) -> BenchPlan:
        return cls(
            stage_articles=2000,
            e2e_articles=articles,
            latency_seconds=30.0,
            dedup_1m=True,
            index_claims=100_000,
            fetch_pages=2000,
            opensearch=True,
        )


def per_core(fn: Callable[[], int], repeats: int = 1, reset: Callable[[], None] = lambda: None) -> float:
    """Items per CPU-second of this process for ``fn`` (which returns its item count): the best
    of ``repeats`` calls, ``reset`` before each. CPU time per unit of work on a shared virtual
    machine varies between runs (a tight loop here: 0.33 to 0.51 s from one run to the next);
    the fastest run is the one least disturbed."""
    best = 0.0
    for _ in range(repeats):
        reset()
        started = time.process_time()
        items = fn()
        best = max(best, items / max(time.process_time() - started, 1e-9))
    return best


def _submissions(n: int, seed: int = 7) -> list[Submission]:
    return [Submission.model_validate(a) for a in generate(n, CorpusSpec(seed=seed))]


def bench_stages(plan: BenchPlan) -> dict[str, float]:
    """Stage functions alone, per core.

    Each stage is timed on its own pass, outputs dropped as a service drops them once sent;
    a second, untimed pass makes the next stage's input (timing first keeps caches that learn
    from the stream, such as the cleaner's line verdicts, cold). The corpus and earlier
    outputs are frozen out of the cyclic GC before each timing: a service does not hold
    thousands of articles in memory, and each full collection walking them was a fifth of the
    extractor's measured time.
    """
    subs = _submissions(plan.stage_articles)
    fetched = [from_submission(s, time.time()) for s in subs]
    warm_up()
    freeze_alive()
    out = {
        "clean_articles_per_s": per_core(
            lambda: _count(clean_article(a) for a in fetched), REPEATS, RULES.decided.clear
        )
    }
    cleaned = [clean_article(a) for a in fetched]
    freeze_alive()
    out["extract_articles_per_s"] = per_core(lambda: _count(article_claims(c) for c in cleaned), REPEATS)
    extracted = [(c, article_claims(c)) for c in cleaned]
    freeze_alive()
    groups = [g for c, claims in extracted for g in group_claims(c, claims)]
    dedup = bench_dedup(groups, [10_000, 1_000_000] if plan.dedup_1m else [10_000])
    out["dedup_claims_per_s"] = dedup[10_000][0]
    if plan.dedup_1m:
        out["dedup_claims_per_s_1m"], out["dedup_state_mb_1m"] = dedup[1_000_000]
        out["dedup_1m_vs_10k"] = round(dedup[1_000_000][0] / dedup[10_000][0], 3)
    out["index_docs_per_s"] = bench_index(plan.data_dir, extracted)
    return out


REPEATS = 3  # timed passes per stage; the best counts (see per_core)


def _count(items: Iterable[object]) -> int:
    return sum(1 for _ in items)


def _variants(groups: list[ClaimGroup], total: int) -> Iterator[ClaimGroup]:
    """``total`` stored claims that fill the state the way a long stream would: the corpus's
    speakers (so the same blocks), with other statements. Each round rewrites every claim,
    keeping function words and about a third of the content words and replacing the rest with
    words of that round, so stored claims share vocabulary with the probe claims (candidates
    happen and are refused) without being the same statements. They precede the corpus, a
    millisecond apart: a stored claim dated after a probe claim would not be a candidate for it."""
    made = 0
    round_ = 0
    start = min((g.submitted_ts for g in groups), default=0.0)
    while made < total:
        for g in groups:
            suffix = f"~{round_}"
            claims = [
                c.model_copy(update={"claim_id": c.claim_id + suffix, "text": _rewrite(c.text, round_)})
                for c in g.claims
            ]
            at = start - (total - made) / 1000
            yield g.model_copy(
                update={"article_id": g.article_id + suffix, "claims": claims, "submitted_ts": at}
            )
            made += len(claims)
            if made >= total:
                return
        round_ += 1


_SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ten",
    "ra",
    "vo",
    "su",
    "del",
    "an",
    "pri",
    "go",
    "mer",
    "tis",
    "ul",
    "be",
    "nor",
)


def _rewrite(text: str, round_: int) -> str:
    """Another statement on the claim's subject: a third of its content words kept (the ones
    this round's hash ranks first), the rest replaced, and the words put in another order (a
    statement that kept the claim's word order around the kept words would be a partial report
    of it, and rightly join its cluster)."""
    words = text.split()
    keyed = [_digest(f"{w}|{round_}|{i}") for i, w in enumerate(words)]
    content = sorted((keyed[i], i) for i, w in enumerate(words) if w.lower() not in STOPWORDS)
    replaced = {i for _, i in content[len(content) // 3 :]}
    out = [
        (k[3:], "".join(_SYLLABLES[b % len(_SYLLABLES)] for b in k[:3]) if i in replaced else w)
        for i, (w, k) in enumerate(zip(words, keyed, strict=True))
    ]
    return " ".join(w for _, w in sorted(out))


def _digest(key: str) -> bytes:
    return hashlib.blake2b(key.encode(), digest_size=6).digest()


def bench_dedup(groups: list[ClaimGroup], sizes: list[int]) -> dict[int, tuple[float, float]]:
    """For each number of claims already stored: claims/s per core assigning the corpus's
    claims, and the memory the stored state and its index take, in MB per million claims
    (resident memory grown over the last four fifths of the fill: by then the bounded caches
    are as full as they get, and what grows is the state).

    A probe claim seen before takes the redelivery path, so every timed pass starts from a
    pickled snapshot of the filled state (refilling a million claims takes minutes). The sizes'
    passes alternate, best of ``REPEATS`` each: the machine's speed drifts over minutes, and
    the targets compare the sizes with each other.
    """
    snapshots: dict[int, bytes] = {}
    grown: dict[int, float] = {}
    for stored in sizes:
        gc.collect()
        state = ClusterState(table={}, window_s=365 * 86400.0)
        made, mark = 0, (0, _rss_self_mb())
        for g in _variants(groups, stored):
            state.assign(g)
            made += len(g.claims)
            if mark[0] == 0 and made >= stored // 5:
                mark = (made, _rss_self_mb())
        grown[stored] = round((_rss_self_mb() - mark[1]) / max(stored - mark[0], 1) * 1_000_000, 1)
        snapshots[stored] = pickle.dumps(
            (state.table, state.index, state.words, state.size), pickle.HIGHEST_PROTOCOL
        )
        del state
    best = dict.fromkeys(sizes, 0.0)
    for _ in range(REPEATS):
        for stored, snapshot in snapshots.items():
            state = ClusterState(table={}, window_s=365 * 86400.0)
            state.table, state.index, state.words, state.size = pickle.loads(snapshot)
            freeze_alive()
            best[stored] = max(best[stored], per_core(partial(_assign_all, state, groups)))
            del state
    return {stored: (best[stored], grown[stored]) for stored in sizes}


def _assign_all(state: ClusterState, groups: list[ClaimGroup]) -> int:
    return sum(len(state.assign(g)[0].claims) for g in groups)


def _rss_self_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bench_index(data_dir: Path, extracted: list[tuple[CleanedArticle, list[Any]]]) -> float:
    """Documents (articles + claims) per second written to a fresh embedded index, in batches."""
    path = data_dir / f"index-bench-{uuid.uuid4().hex[:6]}.sqlite"
    index = SqliteIndex(path)
    docs = [to_doc(c, claims) for c, claims in extracted]
    groups = [g for c, claims in extracted for g in group_claims(c, claims)]

    started = time.perf_counter()  # wall time: the index's cost includes its I/O
    for i in range(0, max(len(docs), len(groups)), 500):
        index.write(docs[i : i + 500], groups[i : i + 500])
    rate = (len(docs) + sum(len(g.claims) for g in groups)) / (time.perf_counter() - started)
    index.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return rate


# -- on the broker ------------------------------------------------------------------------------


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "shared.cli", *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )


def _env(settings: Settings) -> dict[str, str]:
    return child_env(settings)


async def _create(settings: Settings, names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, settings.partitions, 1) for n in names])
    finally:
        await admin.close()


async def _drain(settings: Settings, topic: str, count: int, timeout: float) -> float:
    """Consume ``topic`` until ``count`` messages arrived; returns the arrival time of the last."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    seen, last = 0, time.time()
    deadline = time.monotonic() + timeout
    try:
        while seen < count and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200, max_records=5000)
            for records in batch.values():
                seen += len(records)
                last = time.time()
    finally:
        await consumer.stop()
    if seen < count:
        raise RuntimeError(f"only {seen}/{count} messages reached {topic}")
    return last


def bench_plumbing(base: Settings, messages: list[bytes], logs: Path) -> float:
    """Messages/s through five chained no-work relays (the pipeline's hop count)."""
    prefix = f"bp{uuid.uuid4().hex[:6]}."
    settings = base.model_copy(update={"topic_prefix": prefix})
    names = [f"hop{i}" for i in range(6)]
    asyncio.run(_create(settings, [prefix + n for n in names]))
    procs = []
    for i in range(5):
        hop = settings.model_copy(update={"relay_from": names[i], "relay_to": names[i + 1]})
        procs.append(_spawn(["service", "relay"], _env(hop), logs / f"relay{i}.log"))
    try:
        _warm(settings, prefix + names[0], prefix + names[5], messages[:50])
        started = time.time()
        asyncio.run(_publish_raw(settings, prefix + names[0], messages))
        last = asyncio.run(_drain(settings, prefix + names[5], len(messages) + 50, timeout=600))
        return len(messages) / (last - started)
    finally:
        _stop(procs)


def _warm(settings: Settings, first: str, last: str, messages: list[bytes]) -> None:
    # Services start, join their groups and get partitions; wait until a few messages pass.
    asyncio.run(_publish_raw(settings, first, messages))
    asyncio.run(_drain(settings, last, len(messages), timeout=120))


async def _publish_raw(settings: Settings, topic: str, messages: list[bytes]) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        linger_ms=5,
        max_batch_size=256 * 1024,
        max_request_size=4_000_000,
    )
    await producer.start()
    try:
        futures = [await producer.send(topic, m) for m in messages]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()


def _index_counts(settings: Settings) -> dict[str, int]:
    if not settings.index_file.exists():
        return {"articles": 0, "claims": 0, "expected_claims": 0}
    index = SqliteIndex(settings.index_file)
    try:
        return index.counts()
    finally:
        index.close()


def _wait_indexed(settings: Settings, articles: int, timeout: float) -> float:
    """Poll until ``articles`` articles and all their claims are indexed; returns when."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        c = _index_counts(settings)
        if c["articles"] >= articles and c["claims"] >= c["expected_claims"]:
            return time.time()
        time.sleep(0.1)
    raise RuntimeError(f"indexed only {_index_counts(settings)} of {articles} articles")


def _searchable_latencies(settings: Settings, ids: list[str]) -> list[float]:
    """Per article: seconds from submission until it and all its claims were indexed."""
    index = SqliteIndex(settings.index_file)
    try:
        rows = index._db.execute(
            "SELECT a.article_id, MAX(a.indexed_ts, COALESCE(MAX(c.indexed_ts), 0)) - a.submitted_ts "
            "FROM articles a LEFT JOIN claims c ON c.article_id = a.article_id "
            "WHERE a.article_id IN (SELECT value FROM json_each(?)) GROUP BY a.article_id",
            (orjson.dumps(ids).decode(),),
        ).fetchall()
    finally:
        index.close()
    return [r[1] for r in rows]


async def _publish_paced(settings: Settings, messages: list[bytes], rate: float) -> None:
    """Publish at ``rate`` messages/s in 50 ms ticks."""
    tick = 0.05
    per_tick = max(1, round(rate * tick))
    started = time.monotonic()
    for i in range(0, len(messages), per_tick):
        await publish(settings, messages[i : i + per_tick])
        await asyncio.sleep(max(0.0, started + (i // per_tick + 1) * tick - time.monotonic()))


def _rss_mb(settings: Settings) -> dict[str, float]:
    """Peak resident memory (VmHWM) of each service process the supervisor runs."""
    out: dict[str, float] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            cmdline = (status.parent / "cmdline").read_bytes().split(b"\0")
            env = (status.parent / "environ").read_bytes()
        except OSError:
            continue
        if b"services." not in b" ".join(cmdline) or settings.topic_prefix.encode() not in env:
            continue
        name = next(a.decode().split(".")[1] for a in cmdline if a.startswith(b"services."))
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                out[name] = round(int(line.split()[1]) / 1024, 1)
    return out


def bench_e2e(base: Settings, subs: list[bytes], plan: BenchPlan) -> dict[str, Any]:
    """End-to-end throughput, latency at half of it, and peak memory per service."""
    tag = uuid.uuid4().hex[:6]
    settings = base.model_copy(update={"topic_prefix": f"be{tag}.", "data_dir": plan.data_dir / f"e2e-{tag}"})
    warm, burst, paced = subs[:20], subs[20 : 20 + plan.e2e_articles], subs[20 + plan.e2e_articles :]
    up(settings)
    try:
        asyncio.run(publish(settings, warm))
        _wait_indexed(settings, len(warm), timeout=180)
        started = time.time()
        asyncio.run(publish(settings, burst))
        done = _wait_indexed(settings, len(warm) + len(burst), timeout=900)
        throughput = len(burst) / (done - started)
        rate = 0.5 * throughput
        count = min(len(paced), max(50, int(rate * plan.latency_seconds)))
        asyncio.run(_publish_paced(settings, paced[:count], rate))
        _wait_indexed(settings, len(warm) + len(burst) + count, timeout=300)
        ids = [orjson.loads(m)["id"] for m in paced[:count]]
        lat = sorted(_searchable_latencies(settings, ids))
        return {
            "e2e_articles_per_s": round(throughput, 1),
            "latency_offered_per_s": round(rate, 1),
            "latency_p50_s": round(statistics.median(lat), 3),
            "latency_p99_s": round(lat[min(len(lat) - 1, int(0.99 * len(lat)))], 3),
            "rss_mb": _rss_mb(settings),
        }
    finally:
        down(settings, keep_kafka=True)
        shutil.rmtree(settings.data_dir, ignore_errors=True)


def bench_fetching(plan: BenchPlan) -> dict[str, float]:
    """Fetch throughput (limits raised) and one host's request rate under default politeness."""
    from services.fetcher.bench import bench_fetch, bench_politeness

    fast = asyncio.run(bench_fetch(pages=plan.fetch_pages))
    polite = asyncio.run(bench_politeness())
    return {
        "fetch_pages_per_s": fast["pages_per_s"],
        "fetch_cpu_ms_per_page": round(fast["cpu_ms_per_page"], 3),
        "fetch_failed": fast["failed"],
        "polite_requests_per_s_per_host": round(polite["requests_per_s_per_host"], 2),
        "polite_limit_per_s_per_host": round(1.0 / polite["configured_delay_s"], 2),
    }


def bench_indexing(plan: BenchPlan, progress: Callable[[str], None]) -> dict[str, float]:
    """Bulk indexing and query latency: the embedded index, and OpenSearch in full runs."""
    from services.indexer import bench as index_bench
    from shared.infra import opensearch

    settings = Settings(data_dir=plan.data_dir.resolve())
    node = None
    if plan.opensearch:
        progress("starting a local OpenSearch node")
        node = opensearch.LocalOpenSearch(
            plan.data_dir.resolve() / "opensearch",
            http_port=plan.kafka_port + 10,
            transport_port=plan.kafka_port + 11,
        )
        opensearch.start(node, wait_s=240)
        settings = settings.model_copy(update={"opensearch_url": node.url})
    try:
        progress(f"indexing {plan.index_claims} claims")
        results = index_bench.run(settings, claims=plan.index_claims)
    finally:
        if node is not None:
            opensearch.stop(node)
    out: dict[str, float] = {}
    for r in results:
        out |= {
            f"index_{r.backend}_docs_per_s": round(r.docs_per_second, 1),
            f"index_{r.backend}_query_p50_ms": round(r.query_p50_ms, 2),
            f"index_{r.backend}_query_p99_ms": round(r.query_p99_ms, 2),
        }
    return out


def run_bench(plan: BenchPlan, progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Every measurement of one run, as one JSON-able dict."""
    plan.data_dir.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "plan": {"stage_articles": plan.stage_articles, "e2e_articles": plan.e2e_articles},
    }
    progress("stage functions")
    result |= bench_stages(plan)
    progress("fetching from a local server (50 ms per response)")
    result |= bench_fetching(plan)
    result |= bench_indexing(plan, progress)
    broker = kafka.LocalKafka(
        plan.data_dir.resolve() / "kafka", port=plan.kafka_port, controller_port=plan.kafka_port + 1
    )
    started_broker = kafka.start(broker) is not None
    base = Settings(kafka_bootstrap=broker.bootstrap, partitions=4, data_dir=plan.data_dir.resolve())
    subs = [orjson.dumps(a) for a in generate(plan.e2e_articles * 2 + 20, CorpusSpec(seed=11))]
    logs = plan.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    try:
        progress("plumbing limit (5 no-work hops)")
        result["plumbing_articles_per_s"] = round(bench_plumbing(base, subs[: plan.e2e_articles], logs), 1)
        progress("end to end")
        result |= bench_e2e(base, subs, plan)
    finally:
        if started_broker:
            kafka.stop(broker)
    result["e2e_vs_plumbing"] = round(result["e2e_articles_per_s"] / result["plumbing_articles_per_s"], 3)
    result["latency_p99_s"] = result.pop("latency_p99_s")
    return {
        k: (round(v, 1) if isinstance(v, float) and k.endswith("_per_s") else v) for k, v in result.items()
    }
