"""Compose files as compose reads them, without a Docker engine: .env parsing, ``${VAR}``
interpolation, the override merge, and validation against the Compose Specification schema.

The loader follows the compose-spec rules we rely on (interpolation.md, merge.md); where it is a
subset, it says so. ``test_compose.py`` checks the project's invariants on what it returns, and
``test_docker_compose_agrees`` compares it with the real ``docker compose config`` when one is
installed. The schema is the copy shipped by the ``check-jsonschema`` package (vendored there from
compose-spec, Apache-2.0): no network at test time.
"""

from __future__ import annotations

import copy
import importlib.metadata
import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "docker-compose.yml"
CLUSTER = REPO / "compose.cluster.yml"
SECURE = REPO / "deploy" / "compose.secure.yml"
ENV_EXAMPLE = REPO / ".env.example"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = (":-", ":?", ":+", "-", "?", "+")  # longest first: ":-" before "-"


class InterpolationError(ValueError):
    """A ``${VAR:?message}`` (or ``${VAR?message}``) whose variable is missing, or a bad template."""


# --- .env files ------------------------------------------------------------------------------------


def parse_env_file(text: str) -> dict[str, str]:
    """``KEY=VALUE`` lines as compose reads ``.env``: comments, blank lines, ``export``, quotes."""
    env: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").lstrip()
        key, sep, value = line.partition("=")
        if not sep:
            continue  # a bare name sets nothing for interpolation
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()  # an inline comment needs a space before '#'
        env[key.strip()] = value
    return env


def env_example() -> dict[str, str]:
    """The variables a user starts with: ``.env.example`` copied to ``.env``."""
    return parse_env_file(ENV_EXAMPLE.read_text())


# --- interpolation ---------------------------------------------------------------------------------


def interpolate(text: str, env: Mapping[str, str], where: str = "") -> str:
    """Substitute ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:?err}``,
    ``${VAR?err}``, ``${VAR:+alt}``, ``${VAR+alt}`` and ``$$`` like compose; defaults may nest.

    A variable that is unset and has no default becomes "" (compose warns and does the same).
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char != "$" or i + 1 == len(text):
            out.append(char)
            i += 1
        elif text[i + 1] == "$":
            out.append("$")
            i += 2
        elif text[i + 1] == "{":
            end = _closing_brace(text, i + 2, where)
            out.append(_expand(text[i + 2 : end], env, where))
            i = end + 1
        elif match := _NAME.match(text, i + 1):
            out.append(env.get(match.group(), ""))
            i = match.end()
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _closing_brace(text: str, start: int, where: str) -> int:
    depth = 1
    for j in range(start, len(text)):
        if text.startswith("${", j):
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    raise InterpolationError(f"{where}: unclosed '${{' in {text!r}")


def _expand(body: str, env: Mapping[str, str], where: str) -> str:
    match = _NAME.match(body)
    if match is None:
        raise InterpolationError(f"{where}: invalid variable name in '${{{body}}}'")
    name, rest = match.group(), body[match.end() :]
    if not rest:
        return env.get(name, "")
    op = next((o for o in _OPERATORS if rest.startswith(o)), None)
    if op is None:
        raise InterpolationError(f"{where}: invalid template '${{{body}}}'")
    arg = rest[len(op) :]
    unset, empty = name not in env, not env.get(name)
    missing = empty if op.startswith(":") else unset
    if op.endswith("-"):
        return interpolate(arg, env, where) if missing else env[name]
    if op.endswith("+"):
        return "" if missing else interpolate(arg, env, where)
    if missing:  # "?" or ":?"
        reason = interpolate(arg, env, where) or "required variable is missing"
        raise InterpolationError(f"{where}: required variable {name} is missing a value: {reason}")
    return env[name]


def interpolate_tree(node: Any, env: Mapping[str, str], where: str = "") -> Any:
    """Interpolate every string value of a YAML tree (keys are left alone, as compose does;
    ``x-`` extensions are interpolated too)."""
    if isinstance(node, dict):
        return {k: interpolate_tree(v, env, f"{where}.{k}".lstrip(".")) for k, v in node.items()}
    if isinstance(node, list):
        return [interpolate_tree(v, env, f"{where}[{n}]") for n, v in enumerate(node)]
    if isinstance(node, str):
        return interpolate(node, env, where)
    return node


# --- the override merge ------------------------------------------------------------------------------

_REPLACED = {"command", "entrypoint"}  # sequences that an override replaces whole
_BY_MAPPING = {"environment", "labels", "extra_hosts", "sysctls", "depends_on"}
_BY_TARGET = {"volumes", "devices"}


def as_mapping(key: str, value: Any) -> dict[str, Any]:
    """A service field that may be a list (``["A=1", "B"]``, ``[svc]``) as compose's mapping form."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return dict(value)
    if key == "depends_on":
        return {name: {"condition": "service_started"} for name in value}
    pairs = (item.split("=", 1) if "=" in item else (item, None) for item in value)
    return {k: v for k, v in pairs}


def mount_target(entry: Any) -> str:
    """The container path of a short (``src:dst[:mode]``) or long volume/device entry."""
    if isinstance(entry, dict):
        return str(entry["target"])
    parts = str(entry).split(":")
    return parts[1] if len(parts) > 1 else parts[0]


def merge_service(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """An override's service on top of the base's, by the compose-spec merge rules we use:
    scalars, ``command`` and ``entrypoint`` replace; mappings (``healthcheck``, ``environment``
    in either form…) merge; ``volumes`` merge by container path; other sequences (``ports``,
    ``profiles``, ``env_file``…) are appended without duplicates."""
    merged = copy.deepcopy(base)
    for key, value in over.items():
        current = merged.get(key)
        if key in _BY_MAPPING:
            merged[key] = as_mapping(key, current) | as_mapping(key, value)
        elif key in _BY_TARGET:
            entries = {mount_target(e): e for e in current or []}
            merged[key] = list((entries | {mount_target(e): e for e in value}).values())
        elif isinstance(value, dict) and isinstance(current, dict):
            merged[key] = merge_mapping(current, value)
        elif isinstance(value, list) and isinstance(current, list) and key not in _REPLACED:
            merged[key] = current + [v for v in value if v not in current]
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def merge_mapping(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Recursive mapping merge (top level, volumes, networks, nested service options)."""
    merged = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_mapping(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``docker compose -f base -f over``: services by :func:`merge_service`, the rest recursively."""
    top = merge_mapping(
        {k: v for k, v in base.items() if k != "services"}, {k: v for k, v in over.items() if k != "services"}
    )
    services = copy.deepcopy(base.get("services") or {})
    for name, service in (over.get("services") or {}).items():
        services[name] = merge_service(services[name], service) if name in services else service
    return top | {"services": services}


# --- loading and validating --------------------------------------------------------------------------


def read_yaml(path: Path) -> dict[str, Any]:
    """A compose file as YAML gives it: anchors resolved, ``<<`` merge keys applied."""
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict), f"{path} is not a mapping"
    return data


def interpolated(path: Path, env: Mapping[str, str]) -> dict[str, Any]:
    result = interpolate_tree(read_yaml(path), env, path.name)
    assert isinstance(result, dict)
    return result


def load(files: Iterable[Path], env: Mapping[str, str]) -> dict[str, Any]:
    """``docker compose -f a -f b … config``: each file interpolated, then merged in order."""
    models = [interpolated(f, env) for f in files]
    result = models[0]
    for model in models[1:]:
        result = merge(result, model)
    return result


@cache
def compose_schema() -> dict[str, Any]:
    """The Compose Specification JSON schema, as shipped in the check-jsonschema distribution."""
    dist = importlib.metadata.distribution("check-jsonschema")
    path = Path(str(dist.locate_file("check_jsonschema/builtin_schemas/vendor/compose-spec.json")))
    schema: dict[str, Any] = json.loads(path.read_text())
    return schema


def schema_errors(model: Mapping[str, Any]) -> list[str]:
    """Every violation of the Compose Specification in ``model``, as "path: message"."""
    validator = jsonschema.Draft202012Validator(compose_schema())
    return [
        f"{'.'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}"
        for e in sorted(validator.iter_errors(model), key=lambda e: list(map(str, e.absolute_path)))
    ]


def docker_compose() -> list[str] | None:
    """The real compose CLI when one is installed (the plugin or the standalone binary)."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    standalone = shutil.which("docker-compose")
    return [standalone] if standalone else None


# --- tests of the loader itself -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "env", "expected"),
    [
        ("${A}", {"A": "x"}, "x"),
        ("$A/b", {"A": "x"}, "x/b"),
        ("${A}", {}, ""),
        ("${A:-d}", {}, "d"),
        ("${A:-d}", {"A": ""}, "d"),
        ("${A:-d}", {"A": "x"}, "x"),
        ("${A-d}", {"A": ""}, ""),
        ("${A-d}", {}, "d"),
        ("${A:+alt}", {"A": "x"}, "alt"),
        ("${A:+alt}", {"A": ""}, ""),
        ("${A+alt}", {"A": ""}, "alt"),
        ("${A:?need}", {"A": "x"}, "x"),
        ("${A?need}", {"A": ""}, ""),
        ("$${A} and $$A", {"A": "x"}, "${A} and $A"),
        ("${A:-${B:-inner}}", {}, "inner"),
        ("${A:-${B}}", {"B": "b"}, "b"),
        ("pre-${A}-post", {"A": "x"}, "pre-x-post"),
        ("no vars, a lone $ sign", {}, "no vars, a lone $ sign"),
    ],
)
def test_interpolate_like_compose(template: str, env: dict[str, str], expected: str) -> None:
    assert interpolate(template, env) == expected


@pytest.mark.parametrize(
    ("template", "env"), [("${A:?set A}", {}), ("${A:?set A}", {"A": ""}), ("${A?set A}", {})]
)
def test_required_variable_missing_fails(template: str, env: dict[str, str]) -> None:
    with pytest.raises(InterpolationError, match="A is missing a value: set A"):
        interpolate(template, env)


def test_interpolation_error_names_the_field() -> None:
    tree = {"services": {"db": {"environment": {"PASSWORD": "${PW:?}"}}}}
    with pytest.raises(InterpolationError, match=r"services\.db\.environment\.PASSWORD"):
        interpolate_tree(tree, {})


def test_interpolation_leaves_keys_and_non_strings_alone() -> None:
    tree = {"${K}": ["${V}", 3, True, None]}
    assert interpolate_tree(tree, {"K": "k", "V": "v"}) == {"${K}": ["v", 3, True, None]}


def test_parse_env_file() -> None:
    text = "# comment\n\nA=1\nexport B = two \nC='quoted # kept'\nD=\nE=x # note\nF=a=b\nBARE\n"
    assert parse_env_file(text) == {"A": "1", "B": "two", "C": "quoted # kept", "D": "", "E": "x", "F": "a=b"}


def test_merge_follows_compose_rules() -> None:
    base = {
        "services": {
            "s": {
                "image": "a:1",
                "command": ["x", "y"],
                "environment": ["A=1", "B=2"],
                "volumes": ["data:/data", "./conf:/conf:ro"],
                "ports": ["127.0.0.1:1:1"],
                "depends_on": ["k"],
                "healthcheck": {"test": ["CMD", "a"], "interval": "5s"},
            }
        },
        "volumes": {"data": None},
    }
    over = {
        "services": {
            "s": {
                "command": ["z"],
                "environment": {"B": "3", "C": "4"},
                "volumes": ["other:/data"],
                "ports": ["127.0.0.1:2:2"],
                "depends_on": {"t": {"condition": "service_healthy"}},
                "healthcheck": {"test": ["CMD", "b"]},
            },
            "new": {"image": "n:1"},
        },
        "volumes": {"other": None},
    }
    s = merge(base, over)["services"]["s"]
    assert s["command"] == ["z"]
    assert s["environment"] == {"A": "1", "B": "3", "C": "4"}
    assert s["volumes"] == ["other:/data", "./conf:/conf:ro"]
    assert s["ports"] == ["127.0.0.1:1:1", "127.0.0.1:2:2"]
    assert s["depends_on"] == {"k": {"condition": "service_started"}, "t": {"condition": "service_healthy"}}
    assert s["healthcheck"] == {"test": ["CMD", "b"], "interval": "5s"}
    assert merge(base, over)["volumes"] == {"data": None, "other": None}
    assert "new" in merge(base, over)["services"]


def test_schema_rejects_what_compose_rejects() -> None:
    """The validator is not vacuous: a misspelt key and a wrongly typed field are reported."""
    bad = {"services": {"s": {"image": "a:1", "healthcheck": {"tset": ["CMD", "true"]}, "ports": "80"}}}
    errors = schema_errors(bad)
    assert any("tset" in e for e in errors), errors
    assert any(e.startswith("services.s.ports") for e in errors), errors
    assert schema_errors({"services": {"s": {"image": "a:1"}}}) == []
