"""The ``claimwire`` command line: run the stack, publish, search, watch, and batch-process."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import html
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from services.indexer.sqlite_index import SqliteIndex
from shared.settings import load_settings

app = typer.Typer(help="claimwire: who claimed what, and which outlets carried it.", no_args_is_help=True)
kafka_app = typer.Typer(help="The local Apache Kafka broker (no Docker).", no_args_is_help=True)
app.add_typer(kafka_app, name="kafka")
dlq_app = typer.Typer(help="Dead letters: list, show, replay.", no_args_is_help=True)
app.add_typer(dlq_app, name="dlq")
feeds_app = typer.Typer(help="RSS/Atom feeds the fetcher polls for new articles.", no_args_is_help=True)
app.add_typer(feeds_app, name="feeds")
console = Console()
os_app = typer.Typer(help="A local OpenSearch node (no Docker).", no_args_is_help=True)
app.add_typer(os_app, name="opensearch")


@kafka_app.command("start")
def kafka_start() -> None:
    """Fetch Kafka (first time), format storage, start the broker and wait until it is ready."""
    from shared.infra import kafka
    from shared.supervisor import local_kafka

    k = local_kafka(load_settings())
    pid = kafka.start(k)
    console.print(f"Kafka ready on {k.bootstrap}" + (f" (pid {pid})" if pid else " (already running)"))


@kafka_app.command("stop")
def kafka_stop() -> None:
    """Stop the local broker."""
    from shared.infra import kafka
    from shared.supervisor import local_kafka

    console.print("stopped" if kafka.stop(local_kafka(load_settings())) else "not running")


@app.command()
def up() -> None:
    """Start Kafka and the five services as supervised local processes."""
    from shared.supervisor import up as start_stack

    settings = load_settings()
    with console.status("starting Kafka and the services…"):
        pid = start_stack(settings)
    console.print(f"stack up (supervisor pid {pid}); logs in {settings.data_dir / 'logs'}")


@app.command()
def down(
    keep_kafka: Annotated[bool, typer.Option(help="Leave the broker running.")] = False,
) -> None:
    """Stop the services (gracefully: in-flight work is committed) and Kafka."""
    from shared.supervisor import down as stop_stack

    with console.status("stopping…"):
        stop_stack(load_settings(), keep_kafka=keep_kafka)
    console.print("stack down")


@app.command()
def service(name: str) -> None:
    """Run one service in the foreground (what `up` and docker compose run)."""
    from shared.service import EXTRA, SERVICES, run

    if name not in SERVICES and name not in EXTRA:
        raise typer.BadParameter(f"unknown service {name!r}; one of {', '.join(SERVICES)}")
    run(name)


@app.command()
def topics() -> None:
    """Create every claimwire topic that is missing."""
    from shared.admin import ensure_topics

    created = asyncio.run(ensure_topics(load_settings()))
    console.print(f"created: {', '.join(created) or 'none (all exist)'}")


@app.command()
def publish(
    sources: Annotated[list[str], typer.Argument(help="FILE.jsonl or URL, any number.")],
) -> None:
    """Send articles (JSON lines in the input schema) or URLs to `articles.submitted`."""
    from shared.publish import publish as send
    from shared.publish import submission_lines

    messages = submission_lines(sources)
    with Progress(console=console) as progress:
        task = progress.add_task("publishing", total=len(messages))
        sent = asyncio.run(send(load_settings(), messages, lambda n: progress.advance(task, n)))
    console.print(f"published {sent} message(s)")


class ClaimKindChoice(enum.StrEnum):
    quote = "quote"
    reported = "reported"
    statement = "statement"


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words, all required; empty with filters only.")] = "",
    speaker: Annotated[str | None, typer.Option(help="Only claims by this speaker.")] = None,
    outlet: Annotated[str | None, typer.Option(help="Only claims carried by this outlet.")] = None,
    kind: Annotated[ClaimKindChoice | None, typer.Option(help="Only claims of this kind.")] = None,
    language: Annotated[str | None, typer.Option(help="Only articles in this language (ISO 639-1).")] = None,
    date_from: Annotated[
        datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="Published on or after.")
    ] = None,
    date_to: Annotated[
        datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Published on or before.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Search claims: speaker, outlet and cluster of each hit, from the configured index."""
    from services.api.cli import search_claims
    from services.indexer.backend import Filters

    filters = Filters(
        speaker=speaker,
        outlet=outlet,
        kind=kind.value if kind else None,
        language=language,
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
    )
    hits = search_claims(load_settings(), query, filters, limit=limit)
    if as_json:
        for h in hits:
            sys.stdout.write(h.model_dump_json() + "\n")
        return
    table = Table("speaker", "claim", "outlet", "published", "cluster (size)", show_lines=False)
    for h in hits:
        table.add_row(
            h.speaker or "?",
            _marked(h.highlighted),
            h.outlet or "?",
            (h.published_at or "?")[:10],
            f"{h.cluster_id} ({h.cluster_size})",
        )
    console.print(table if hits else "no claims found")


def _marked(highlighted: str) -> str:
    """A hit's HTML highlight (escaped text, matches in <mark>) as Rich markup."""
    text = html.unescape(highlighted.replace("<mark>", "\x00").replace("</mark>", "\x01"))
    return escape(text).replace("\x00", "[bold yellow]").replace("\x01", "[/]")


@app.command()
def clusters(min_outlets: Annotated[int, typer.Option(min=1)] = 2, limit: int = 50) -> None:
    """Claims carried by several outlets, grouped by cluster."""
    found = _index().clusters(min_outlets=min_outlets, limit=limit)
    for c in found:
        first = c["members"][0]
        speaker = first["speaker"] or "?"
        console.print(f"[bold]{c['cluster_id']}[/] {speaker} — {c['outlets']} outlets: {c['outlet_list']}")
        for m in c["members"]:
            console.print(f"    [{m['outlet']}] {m['text']}")
    if not found:
        console.print("no cross-outlet clusters yet")


@app.command()
def wait(
    articles: Annotated[int, typer.Option(help="Wait until this many articles are indexed.")],
    timeout: Annotated[float, typer.Option(help="Seconds before giving up.")] = 180.0,
) -> None:
    """Block until the index holds ``articles`` articles and all their claims."""
    deadline = time.monotonic() + timeout
    with console.status("waiting for the index…") as status:
        while time.monotonic() < deadline:
            counts = _index().counts() if load_settings().index_file.exists() else {}
            status.update(
                f"indexed {counts.get('articles', 0)}/{articles} articles, {counts.get('claims', 0)} claims"
            )
            if counts.get("articles", 0) >= articles and counts["claims"] >= counts["expected_claims"]:
                console.print(
                    f"indexed {counts['articles']} articles, {counts['claims']} claims, "
                    f"{counts['clusters']} clusters"
                )
                return
            time.sleep(0.5)
    console.print("[red]timed out waiting for the index[/]")
    raise typer.Exit(1)


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    watch: Annotated[bool, typer.Option("--watch", help="Refresh continuously.")] = False,
    interval: Annotated[float, typer.Option(min=0.5, help="Seconds between samples.")] = 2.0,
) -> None:
    """Consumer groups, lag per partition, rates, dead letters, latency and a health verdict.

    Exits with 1 when a service is stalled (lag and no commit progress).
    """
    from rich.live import Live

    from shared.status import collect

    settings = load_settings()
    if not watch:
        report, _ = asyncio.run(collect(settings, interval))
        if as_json:
            sys.stdout.write(orjson.dumps(report).decode() + "\n")
        else:
            console.print(_status_table(report))
        raise typer.Exit(0 if report["healthy"] else 1)

    async def loop(live: Live | None) -> None:
        report, after = await collect(settings, interval)
        while True:
            if live is not None:
                live.update(_status_table(report), refresh=True)
            else:  # piped to a file or a pager: one table per sample, one after the other
                console.print(_status_table(report))
            await asyncio.sleep(interval)
            report, after = await collect(settings, interval, before=after)

    if not console.is_terminal:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(loop(None))
        return
    with Live(console=console, auto_refresh=False) as live, contextlib.suppress(KeyboardInterrupt):
        asyncio.run(loop(live))


def _status_table(report: dict[str, Any]) -> Table:
    colour = {"ok": "green", "idle": "dim", "lagging": "yellow", "stalled": "bold red"}
    lat = report.get("latency") or {}
    caption = f"end-to-end latency p50 {lat['p50_s']}s p99 {lat['p99_s']}s" if lat else "no recent latency"
    table = Table(
        "service",
        "verdict",
        "state",
        "members",
        "topic[p]",
        "committed",
        "end",
        "lag",
        "trend",
        "in/min",
        "out/min",
        "dead letters",
        title="claimwire status",
        caption=caption,
    )
    for svc in report["services"]:
        dead = ", ".join(f"{r}:{n}" for r, n in svc["dead_letters"].items()) or "-"
        v = svc["verdict"]
        trend = svc["lag_trend"]
        for i, p in enumerate(svc["partitions"] or [{}]):
            head = (
                (svc["service"], f"[{colour[v]}]{v}[/]", svc["state"], str(svc["members"]))
                if i == 0
                else ("",) * 4
            )
            tail = (
                (f"{trend:+d}", str(svc["in_per_min"]), str(svc["out_per_min"]), dead)
                if i == 0
                else ("",) * 4
            )
            table.add_row(
                *head,
                f"{p.get('topic', '-')}[{p.get('partition', '-')}]",
                str(p.get("committed", "-")),
                str(p.get("end", "-")),
                str(p.get("lag", "-")),
                *tail,
            )
    return table


@dlq_app.command("list")
def dlq_list(
    stage: Annotated[str | None, typer.Option(help="Only this stage's letters.")] = None,
    reason: Annotated[str | None, typer.Option(help="Only letters with this reason.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The most recent dead letters: where from, why, and a preview of the bytes."""
    from shared import dlq

    letters = dlq.select(asyncio.run(dlq.read_letters(load_settings())), stage=stage, reason=reason)[-limit:]
    if as_json:
        for x in letters:
            sys.stdout.write(orjson.dumps({"ref": x.ref, **x.letter.model_dump()}).decode() + "\n")
        return
    table = Table("ref", "age", "stage", "reason", "source", "error", "bytes")
    for x in letters:
        d = x.letter
        preview = x.original()[:40].decode("utf-8", "replace")
        table.add_row(
            x.ref,
            dlq.age(d),
            d.stage,
            d.reason,
            f"{d.topic}[{d.partition}]@{d.offset}",
            d.error[:60],
            preview,
        )
    console.print(table if letters else "no dead letters")


@dlq_app.command("show")
def dlq_show(ref: Annotated[str, typer.Argument(help="PARTITION:OFFSET in the dead-letter topic.")]) -> None:
    """One dead letter in full, with its original bytes decoded."""
    from shared import dlq

    found = dlq.select(asyncio.run(dlq.read_letters(load_settings())), refs={ref})
    if not found:
        raise typer.BadParameter(f"no dead letter at {ref}")
    x = found[0]
    body = {
        **x.letter.model_dump(exclude={"value_b64"}),
        "ref": x.ref,
        "original": x.original().decode("utf-8", "backslashreplace"),
    }
    sys.stdout.write(orjson.dumps(body, option=orjson.OPT_INDENT_2).decode() + "\n")


@dlq_app.command("replay")
def dlq_replay(
    refs: Annotated[
        list[str] | None, typer.Argument(help="PARTITION:OFFSET refs; none means all selected.")
    ] = None,
    stage: Annotated[str | None, typer.Option(help="Only this stage's letters.")] = None,
    reason: Annotated[str | None, typer.Option(help="Only letters with this reason.")] = None,
) -> None:
    """Re-publish dead letters' original bytes to the topics they came from (after a fix)."""
    from shared import dlq

    settings = load_settings()
    letters = dlq.select(
        asyncio.run(dlq.read_letters(settings)), stage=stage, reason=reason, refs=set(refs) if refs else None
    )
    sent = asyncio.run(dlq.replay(settings, letters))
    console.print(f"replayed {sent} dead letter(s)")


@app.command()
def batch(
    infile: Annotated[Path, typer.Argument(help="Submissions, one JSON object per line.")],
    claims: Annotated[Path, typer.Option(help="Write claims JSONL here.")],
    articles: Annotated[Path | None, typer.Option(help="Write cleaned articles JSONL here.")] = None,
) -> None:
    """Run every stage in-process without Kafka (the same functions the services use)."""
    from shared.batch import run_batch

    with open(infile, "rb") as f:
        result = run_batch(f, load_settings())
    with open(claims, "wb") as out:
        for c in result.claims:
            # `speaker` is the source as described (name and role: what the scorer's gold holds);
            # `speaker_name` the bare name the index filters on.
            row = {**c.model_dump(mode="json"), "speaker": c.source, "speaker_name": c.speaker}
            out.write(orjson.dumps(row) + b"\n")
    if articles is not None:
        with open(articles, "wb") as out:
            for a in result.articles:
                out.write(
                    orjson.dumps({"article_id": a.article_id, "text": a.text, "outlet": a.outlet}) + b"\n"
                )
    for lineno, reason in result.failures:
        console.print(f"[yellow]line {lineno}: {reason}[/]", highlight=False)
    console.print(
        f"{len(result.articles)} articles, {len(result.claims)} claims, {len(result.failures)} failed",
        highlight=False,
    )


@app.command()
def pairs(
    infile: Annotated[Path, typer.Argument(help='Lines {"id","a","b"} (two claim texts).')],
) -> None:
    """Print {"id","duplicate","score"} per pair: the dedup stage's own decision function."""
    from services.dedup.similarity import score_pair
    from services.dedup.speakers import speakers_compatible

    with open(infile, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            row = orjson.loads(line)
            result = score_pair(row["a"], row["b"])
            same_source = speakers_compatible(row.get("speaker_a"), row.get("speaker_b"))
            sys.stdout.write(
                orjson.dumps(
                    {
                        "id": row["id"],
                        "duplicate": result.duplicate and same_source,
                        "score": round(result.score, 4),
                    }
                ).decode()
                + "\n"
            )


@feeds_app.command("add")
def feeds_add(url: str) -> None:
    """Add a feed URL to the polled list (the fetcher picks it up at its next poll)."""
    from services.fetcher.cli import feeds_add as add

    try:
        added = add(load_settings(), url)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    console.print("added" if added else "already listed")


@feeds_app.command("list")
def feeds_list() -> None:
    """The feeds the fetcher polls."""
    from services.fetcher.cli import feeds_list as listed

    for url in listed(load_settings()):
        console.print(url, highlight=False)


@app.command()
def replay() -> None:
    """Re-submit every retained raw page (`articles.raw`) for re-extraction."""
    from services.fetcher.cli import replay_pages

    with console.status("replaying raw pages…"):
        count = replay_pages(load_settings())
    console.print(f"re-submitted {count} page(s)")


@app.command("explain-clean")
def explain_clean(
    article: Annotated[Path, typer.Argument(help="A JSON submission (one object) or a plain text file.")],
) -> None:
    """Show what the cleaner removes from an article, line by line, and why."""
    from services.cleaner.clean import clean

    raw = article.read_bytes()
    try:
        doc = orjson.loads(raw)
        text, title = str(doc.get("text") or ""), doc.get("title")
    except orjson.JSONDecodeError:
        text, title = raw.decode("utf-8", "replace"), None
    result = clean(text, title=title)
    table = Table("reason", "removed line")
    for r in result.removed:
        table.add_row(r.reason, r.line[:160])
    console.print(table)
    console.print(
        f"kept {len(result.text.splitlines())} lines, {len(result.sentences)} sentences, "
        f"language {result.language}; removed {len(result.removed)} lines"
    )


@app.command("explain-cluster")
def explain_cluster(
    cluster: Annotated[str, typer.Argument(help="A cluster id (from search or clusters).")],
) -> None:
    """Show a cluster's members and why each joined: its similarity to the founding claim."""
    from services.dedup.clusters import echoes
    from services.dedup.similarity import score_pair
    from services.dedup.speakers import speakers_compatible

    rows = _index().members(cluster)
    echoing: set[str] = set()
    for article in {r["article_id"] for r in rows}:
        in_article = [r for r in rows if r["article_id"] == article]
        found = echoes([(r["kind"], r["text"]) for r in in_article])
        echoing.update(in_article[e]["claim_id"] for e in found)
    if not rows:
        raise typer.BadParameter(f"no claims in cluster {cluster}")
    first = rows[0]
    console.print(
        f"[bold]{cluster}[/] founded by {first['claim_id']} ({first['speaker']}, {first['outlet']}):"
    )
    console.print(f"  {first['text']}")
    for r in rows[1:]:
        result = score_pair(first["text"], r["text"])
        same = speakers_compatible(first["speaker"], r["speaker"])
        top = ", ".join(f"{k} {v:.2f}" for k, v in list(result.features.items())[:4])
        console.print(
            f"- {r['claim_id']} [{r['outlet']}] {r['speaker']}: score {result.score:.3f} "
            f"(duplicate {result.duplicate}, speakers compatible {same}; {top})"
        )
        if r["claim_id"] in echoing:
            console.print("  (echoes a quotation of its own article: joined that quotation's cluster)")
        console.print(f"  {r['text']}")


@app.command("gen-corpus")
def gen_corpus(
    n: Annotated[int, typer.Argument(min=0, help="How many articles.")],
    seed: int = 7,
    outlets: int = 8,
    repeated_share: float = 0.3,
    syndicated_share: float = 0.05,
    start: str = "2026-01-01",
) -> None:
    """Write n synthetic articles (deterministic by seed) as JSON lines on stdout."""
    from shared.corpus import CorpusSpec, generate

    for doc in generate(n, CorpusSpec(seed, outlets, repeated_share, syndicated_share, start)):
        sys.stdout.buffer.write(orjson.dumps(doc) + b"\n")


@app.command()
def bench(
    quick: Annotated[bool, typer.Option("--quick", help="Small corpus, about a minute.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object only.")] = False,
    articles: Annotated[int, typer.Option(help="End-to-end corpus size (full runs).")] = 10000,
    out: Annotated[Path, typer.Option(help="Where results are written.")] = Path("bench/results"),
) -> None:
    """Measure stages, the plumbing limit and the pipeline end to end on a local broker."""
    from shared.bench import BenchPlan, run_bench
    from shared.bench_report import write_report

    plan = BenchPlan.quick() if quick else BenchPlan.full(articles)
    say = (lambda _: None) if as_json else (lambda step: console.print(f"[dim]bench: {step}…[/]"))
    result = run_bench(plan, say)
    if as_json:
        sys.stdout.write(orjson.dumps(result).decode() + "\n")
        return
    report = write_report(result, out)
    console.print(report.read_text())


def _index() -> SqliteIndex:

    return SqliteIndex(load_settings().index_file)


def _register_index_commands() -> None:
    from services.api import cli as api_cli

    app.command("api")(api_cli.api)
    app.command("bench-index")(api_cli.bench_index)
    os_app.command("start")(api_cli.opensearch_start)
    os_app.command("stop")(api_cli.opensearch_stop)


_register_index_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
