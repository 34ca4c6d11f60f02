"""Writing a benchmark run: JSON, a markdown summary and a PNG chart against the targets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from shared.bench import TARGETS


def write_report(result: dict[str, Any], out_dir: Path) -> Path:
    """Write ``<date>.json``, ``<date>.md`` and ``<date>.png`` into ``out_dir``; returns the .md."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem: Path = out_dir / str(result["started_at"]).replace(":", "")
    stem.with_suffix(".json").write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    chart = _chart(result, stem.with_suffix(".png"))
    md = stem.with_suffix(".md")
    md.write_text(_markdown(result, chart))
    return md


def _markdown(result: dict[str, Any], chart: Path | None) -> str:
    lines = [
        f"# claimwire benchmark {result['started_at']}",
        "",
        "| measure | value | target | met |",
        "|---|---|---|---|",
    ]
    for key, value in result.items():
        if isinstance(value, (int, float)):
            target = TARGETS.get(key)
            met = "" if target is None else ("yes" if value >= target else "**no**")
            lines.append(f"| {key} | {value} | {target if target is not None else ''} | {met} |")
    lines += ["", f"Peak RSS per service (MB): {result.get('rss_mb', {})}", ""]
    if chart is not None:
        lines.append(f"![throughput per stage against target]({chart.name})")
    return "\n".join(lines) + "\n"


def _chart(result: dict[str, Any], path: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # the runtime image has no matplotlib; the JSON and markdown suffice
        return None
    keys = [k for k in TARGETS if k in result]
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.bar(
        keys,
        [result[k] / TARGETS[k] for k in keys],
        color=["tab:green" if result[k] >= TARGETS[k] else "tab:red" for k in keys],
    )
    ax.axhline(1.0, color="black", linestyle="--", linewidth=1, label="target")
    ax.set_ylabel("measured / target")
    ax.set_title(f"claimwire throughput against targets ({result['started_at']})")
    ax.tick_params(axis="x", labelrotation=20, labelsize=8)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
