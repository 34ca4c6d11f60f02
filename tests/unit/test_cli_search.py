"""``claimwire search`` over the embedded index: filters, JSON lines and the table."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from services.indexer.samples import sample_batch
from services.indexer.sqlite_index import SqliteIndex
from shared.cli import app
from shared.settings import Settings


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    index = SqliteIndex(Settings(data_dir=tmp_path).index_file)
    index.write(*sample_batch())
    index.close()
    return {"CLAIMWIRE_DATA_DIR": str(tmp_path), "COLUMNS": "200"}


def search(env: dict[str, str], *args: str) -> list[dict[str, object]]:
    done = CliRunner().invoke(app, ["search", *args, "--json"], env=env)
    assert done.exit_code == 0, done.output
    return [orjson.loads(line) for line in done.output.splitlines()]


def test_search_filters_match_the_api(env: dict[str, str]) -> None:
    [hit] = search(env, "bridge", "--outlet", "Wire")
    assert hit["cluster_size"] == 3 and hit["highlighted"] == "The <mark>bridge</mark> reopens in May"
    dated = search(env, "inflation", "--from", "2026-02-11", "--to", "2026-02-28")
    assert [h["outlet"] for h in dated] == ["Herald"]
    quotes = search(env, "", "--speaker", "Varga", "--kind", "quote")
    assert len(quotes) == 3 and {h["kind"] for h in quotes} == {"quote"}
    assert search(env, "bridge", "--language", "xx") == []


def test_search_table_and_bad_options(env: dict[str, str]) -> None:
    done = CliRunner().invoke(app, ["search", "bridge"], env=env)
    assert done.exit_code == 0 and "reopens in May" in done.output and "<mark>" not in done.output
    assert CliRunner().invoke(app, ["search", "bridge", "--kind", "rumour"], env=env).exit_code != 0
    assert CliRunner().invoke(app, ["search", "bridge", "--from", "yesterday"], env=env).exit_code != 0
    empty = CliRunner().invoke(app, ["search", "nothingmatchesthis"], env=env)
    assert "no claims found" in empty.output
