"""The docker compose deployment, checked without a Docker engine.

What ``docker compose config`` would reject (the Compose Specification schema, after interpolation
and the override merge), and the invariants this project depends on: health checks and restart
policies, pinned images, settings that exist, services that can scale, one source of truth for
topics and services, a Kafka cluster that is really three nodes, and monitoring that sees every
service. The loader is in ``test_compose_model.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase

import shared.metrics
from shared.admin import all_topics
from shared.infra.kafka import KAFKA_VERSION
from shared.infra.opensearch import OPENSEARCH_VERSION
from shared.service import SERVICES
from shared.settings import Settings
from shared.topics import ALL_TABLES, DEADLETTER
from tests.unit.test_compose_model import (
    BASE,
    CLUSTER,
    ENV_EXAMPLE,
    REPO,
    SECURE,
    InterpolationError,
    as_mapping,
    docker_compose,
    env_example,
    interpolated,
    load,
    mount_target,
    read_yaml,
    schema_errors,
)

# Settings compose may set before shared/settings.py has them (none at present).
PENDING_SETTINGS: set[str] = set()
ONE_SHOT = {"topics", "cli"}  # run to completion: no restart, no health check
TEST_PASSWORD = "Test-only-Passw0rd!"  # stands in for the user's .env in the secure variant
DOCKERFILE = REPO / "deploy" / "Dockerfile"

Model = dict[str, Any]


def variants() -> dict[str, tuple[list[Path], dict[str, str]]]:
    env = env_example()
    return {
        "single": ([BASE], env),
        "cluster": ([BASE, CLUSTER], env),
        "secure": ([BASE, SECURE], env | {"OPENSEARCH_INITIAL_ADMIN_PASSWORD": TEST_PASSWORD}),
        "cluster+secure": (
            [BASE, CLUSTER, SECURE],
            env | {"OPENSEARCH_INITIAL_ADMIN_PASSWORD": TEST_PASSWORD},
        ),
    }


@pytest.fixture(scope="module", params=list(variants()))
def model(request: pytest.FixtureRequest) -> Model:
    """The merged, interpolated project of one variant (all profiles: every service is checked)."""
    files, env = variants()[request.param]
    return load(files, env)


@pytest.fixture(scope="module")
def single() -> Model:
    return load([BASE], env_example())


@pytest.fixture(scope="module")
def cluster() -> Model:
    return load([BASE, CLUSTER], env_example())


def services(model: Model) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = model["services"]
    return result


def env_of(service: dict[str, Any]) -> dict[str, Any]:
    return as_mapping("environment", service.get("environment"))


def claimwire_containers(model: Model) -> dict[str, dict[str, Any]]:
    """Services that run the claimwire image."""
    return {n: s for n, s in services(model).items() if str(s.get("image", "")).startswith("claimwire:")}


def kafka_nodes(model: Model) -> dict[str, dict[str, Any]]:
    return {n: s for n, s in services(model).items() if str(s.get("image", "")).startswith("apache/kafka:")}


def long_running(model: Model) -> dict[str, dict[str, Any]]:
    return {n: s for n, s in services(model).items() if s.get("restart", "no") != "no"}


def image_tag(image: str) -> tuple[str, str | None, str | None]:
    """(repository, tag, digest) of an image reference; the tag follows the last '/'."""
    name, _, digest = image.partition("@")
    repo, _, tag = name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "")
    return repo, tag or None, digest or None


# --- the Compose Specification -----------------------------------------------------------------


@pytest.mark.parametrize("path", [BASE, CLUSTER, SECURE], ids=lambda p: p.name)
def test_each_file_is_valid_compose(path: Path) -> None:
    env = env_example() | {"OPENSEARCH_INITIAL_ADMIN_PASSWORD": TEST_PASSWORD}
    assert schema_errors(interpolated(path, env)) == []


def test_merged_projects_are_valid_compose(model: Model) -> None:
    assert schema_errors(model) == []


@pytest.mark.parametrize("files", [[BASE], [BASE, CLUSTER]], ids=["single", "cluster"])
def test_default_deployment_needs_no_variables(files: list[Path]) -> None:
    """`make up` on a fresh clone, without any .env, must interpolate."""
    assert schema_errors(load(files, {})) == []


def test_security_needs_the_admin_password() -> None:
    with pytest.raises(InterpolationError, match="OPENSEARCH_INITIAL_ADMIN_PASSWORD is missing"):
        load([BASE, SECURE], env_example())
    with pytest.raises(InterpolationError, match="OPENSEARCH_INITIAL_ADMIN_PASSWORD is missing"):
        load([BASE, SECURE], env_example() | {"OPENSEARCH_INITIAL_ADMIN_PASSWORD": ""})


def test_docker_compose_agrees(tmp_path: Path) -> None:
    """Where a compose CLI is installed, it accepts every variant and resolves what our loader does."""
    cli = docker_compose()
    if cli is None:
        pytest.skip("no docker compose CLI here; the schema tests above stand in for it")
    (tmp_path / "deploy").mkdir()
    for path in (BASE, CLUSTER, SECURE):  # a copy: a developer's own .env must not leak in
        (tmp_path / path.relative_to(REPO)).write_text(path.read_text())
    for name, (files, env) in variants().items():
        env_file = tmp_path / f"{name}.env"
        env_file.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
        args = [a for f in files for a in ("-f", str(tmp_path / f.relative_to(REPO)))]
        run = subprocess.run(
            [*cli, *args, "--env-file", str(env_file), "--profile", "*", "config", "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
            # Only what finds the CLI: COMPOSE_* or a variable of the developer's shell must not count.
            env={k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "DOCKER_CONFIG"}},
        )
        assert run.returncode == 0, f"{name}: {run.stderr}"
        theirs = json.loads(run.stdout)["services"]
        ours = services(load(files, env))
        assert set(theirs) == set(ours), name
        for svc, spec in ours.items():
            expected = {k: None if v is None else str(v) for k, v in env_of(spec).items()}
            got = theirs[svc].get("environment", {})
            assert {k: got.get(k) for k in expected if expected[k] is not None} == {
                k: v for k, v in expected.items() if v is not None
            }, f"{name}: {svc}"
            assert resolved(spec) == resolved_by_compose(theirs[svc]), f"{name}: {svc}"


def resolved(spec: dict[str, Any]) -> dict[str, Any]:
    """What our loader resolved for a service, in the shape compared with `docker compose config`."""
    return {
        "command": spec.get("command"),
        "image": spec.get("image"),
        "depends_on": {
            d: c["condition"] for d, c in as_mapping("depends_on", spec.get("depends_on")).items()
        },
        "volumes": sorted(mount_target(v) for v in spec.get("volumes", [])),
        "healthcheck": (spec.get("healthcheck") or {}).get("test"),
        "ports": len(spec.get("ports", [])),
    }


def resolved_by_compose(spec: dict[str, Any]) -> dict[str, Any]:
    """The same fields from `docker compose config --format json` (its normalised long forms)."""
    test = (spec.get("healthcheck") or {}).get("test")
    return {
        "command": spec.get("command"),
        "image": spec.get("image"),
        "depends_on": {d: c["condition"] for d, c in spec.get("depends_on", {}).items()},
        "volumes": sorted(v["target"] for v in spec.get("volumes", [])),
        # `config` prints a literal $ as $$, so that its output can be loaded again.
        "healthcheck": [t.replace("$$", "$") for t in test] if test else None,
        "ports": len(spec.get("ports", [])),
    }


# --- health, restarts and start order -----------------------------------------------------------


def test_long_running_services_have_a_healthcheck(model: Model) -> None:
    for name, spec in long_running(model).items():
        check = spec.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), f"{name} has no healthcheck"
        assert check["test"][0] in {"CMD", "CMD-SHELL"}, name


def test_every_service_has_a_restart_policy(model: Model) -> None:
    for name, spec in services(model).items():
        expected = {"no"} if name in ONE_SHOT else {"unless-stopped", "always", "on-failure"}
        assert spec.get("restart") in expected, f"{name}: restart {spec.get('restart')!r}"


def test_dependencies_wait_for_health_or_completion(model: Model) -> None:
    specs = services(model)
    for name, spec in specs.items():
        for dep, how in as_mapping("depends_on", spec.get("depends_on")).items():
            assert dep in specs, f"{name} depends on unknown {dep}"
            condition = how.get("condition")
            if dep in ONE_SHOT:
                assert condition == "service_completed_successfully", f"{name} -> {dep}"
            else:
                assert condition == "service_healthy", f"{name} -> {dep}: {condition}"
                assert specs[dep].get("healthcheck"), f"{name} waits for {dep}, which has no healthcheck"


def test_services_wait_for_the_topics(model: Model) -> None:
    for name in SERVICES:
        deps = as_mapping("depends_on", services(model)[name].get("depends_on"))
        assert deps.get("topics", {}).get("condition") == "service_completed_successfully", name
        assert deps.get("kafka", {}).get("condition") == "service_healthy", name


def test_claimwire_containers_use_the_image_probe(model: Model) -> None:
    for name, spec in claimwire_containers(model).items():
        if name in ONE_SHOT:
            continue
        test = spec["healthcheck"]["test"]
        assert test[:2] == ["CMD", "claimwire-healthcheck"], name
        if name in SERVICES:  # the probe's default URL is the metrics port: it must be set
            assert test == ["CMD", "claimwire-healthcheck"], name
            assert env_of(spec).get("CLAIMWIRE_METRICS_PORT"), name
            assert env_of(spec).get("CLAIMWIRE_METRICS_ADDR") == "0.0.0.0", name


# --- images ---------------------------------------------------------------------------------------

_FLOATING = {"latest", "main", "master", "stable", "edge", "nightly", "dev"}


def test_every_image_is_pinned(model: Model) -> None:
    for name, spec in services(model).items():
        assert "image" in spec, f"{name} has no image"
        _, tag, digest = image_tag(spec["image"])
        assert digest or (tag and tag not in _FLOATING and re.search(r"\d", tag)), f"{name}: {spec['image']}"


def test_claimwire_image_is_the_project_version(model: Model) -> None:
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    for name, spec in claimwire_containers(model).items():
        assert spec["image"] == f"claimwire:{version}", name
        assert spec["build"] == {"context": ".", "dockerfile": "deploy/Dockerfile"}, name


def test_kafka_and_opensearch_match_what_the_tests_run(model: Model) -> None:
    """Compose runs the versions the integration tests run locally (shared/infra)."""
    for name in kafka_nodes(model):
        assert image_tag(services(model)[name]["image"])[1] == KAFKA_VERSION, name
    assert KAFKA_VERSION.startswith("3.9.")
    os_tags = {
        image_tag(s["image"])[1]
        for s in services(model).values()
        if s["image"].startswith("opensearchproject/")
    }
    assert os_tags == {OPENSEARCH_VERSION}  # server and Dashboards move together
    assert OPENSEARCH_VERSION.startswith("2.19.")


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1] if " " in ln else "") for ln in lines]


def test_dockerfile_pins_its_base_and_tools() -> None:
    instructions = dockerfile_instructions()
    args = dict(a.split("=", 1) for op, a in instructions if op == "ARG" and "=" in a)
    for op, arg in instructions:
        if op == "FROM":
            image = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], arg.split()[0])
            _, tag, digest = image_tag(image)
            assert digest or (tag and tag not in _FLOATING and tag.startswith("3.11")), image
    assert any(op == "RUN" and re.search(r"\buv==\d", a) for op, a in instructions), "uv is not pinned"


def test_dockerfile_caches_dependencies_and_drops_root() -> None:
    instructions = dockerfile_instructions()
    order = [(op, a) for op, a in instructions]
    deps = next(i for i, (op, a) in enumerate(order) if op == "RUN" and "--no-install-project" in a)
    source = next(i for i, (op, a) in enumerate(order) if op == "COPY" and a.startswith("shared"))
    assert deps < source, "dependencies must be installed before the sources are copied"
    assert "--frozen" in order[deps][1] and "--no-dev" in order[deps][1]
    users = [a for op, a in instructions if op == "USER"]
    assert users and users[-1] not in {"root", "0"}, "the image must run as a non-root user"
    assert any(op == "HEALTHCHECK" and "claimwire-healthcheck" in a for op, a in instructions)
    assert ("ENTRYPOINT", '["claimwire"]') in instructions


def test_build_context_keeps_what_the_dockerfile_copies() -> None:
    """deploy/Dockerfile.dockerignore is an allow-list: every COPY source must be on it."""
    allowed = {
        ln.removeprefix("!")
        for ln in (REPO / "deploy" / "Dockerfile.dockerignore").read_text().splitlines()
        if ln.startswith("!")
    }
    for op, arg in dockerfile_instructions():
        if op == "COPY" and "--from=" not in arg:
            sources = [a for a in arg.split() if not a.startswith("--")][:-1]
            for src in sources:
                assert src.rstrip("/") in allowed, f"COPY {src} is excluded from the build context"
                assert (REPO / src).exists(), src


# --- settings -------------------------------------------------------------------------------------


def claimwire_names_in(node: Any) -> Iterator[str]:
    """Every CLAIMWIRE_* variable a compose tree sets (mapping keys or "NAME=value" items)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key).startswith("CLAIMWIRE_"):
                yield str(key)
            yield from claimwire_names_in(value)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, str) and item.startswith("CLAIMWIRE_") and "=" in item:
                yield item.split("=", 1)[0]
            else:
                yield from claimwire_names_in(item)


def env_example_names() -> set[str]:
    """CLAIMWIRE_* names in .env.example, commented-out examples included."""
    return set(re.findall(r"^#?\s*(CLAIMWIRE_\w+)=", ENV_EXAMPLE.read_text(), flags=re.M))


def test_every_claimwire_variable_is_a_setting() -> None:
    names = env_example_names()
    for path in (BASE, CLUSTER, SECURE):
        names |= set(claimwire_names_in(read_yaml(path)))
    fields = set(Settings.model_fields) | PENDING_SETTINGS
    unknown = sorted(n for n in names if n.removeprefix("CLAIMWIRE_").lower() not in fields)
    assert not unknown, f"not fields of shared.settings.Settings: {unknown}"
    assert len(names) > 10  # the walk found the variables at all


def settings_from(env: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings as a container with exactly ``env`` would build them."""
    for key in [k for k in os.environ if k.startswith("CLAIMWIRE_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        if key.startswith("CLAIMWIRE_") and value is not None:
            monkeypatch.setenv(key, str(value))
    return Settings()


def test_env_example_values_are_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    env = env_example()
    settings = settings_from(env, monkeypatch)
    assert settings.partitions == Settings.model_fields["partitions"].default  # the documented default


def test_container_environments_are_valid_settings(model: Model, monkeypatch: pytest.MonkeyPatch) -> None:
    for spec in claimwire_containers(model).values():
        with monkeypatch.context() as m:
            settings_from(env_example() | env_of(spec), m)  # .env is loaded first, environment wins


# --- scaling --------------------------------------------------------------------------------------


def test_no_fixed_container_names(model: Model) -> None:
    """Names come from the project (claimwire-extractor-1, -2…); a fixed one breaks --scale."""
    assert [n for n, s in services(model).items() if "container_name" in s] == []


def test_scalable_services_publish_no_host_port(model: Model) -> None:
    for name in SERVICES:
        spec = services(model)[name]
        assert not spec.get("ports"), f"{name} cannot scale with a host port"
        assert "CLAIMWIRE_WEB_PORT" not in env_of(spec), f"{name}: Faust's web server would clash"
        assert "scale" not in spec and "replicas" not in (spec.get("deploy") or {}), name


def test_published_ports_bind_to_loopback(model: Model) -> None:
    """Nothing is exposed beyond the machine by default (no authentication on most of it)."""
    for name, spec in services(model).items():
        for port in spec.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name}: {port}"


# --- one source of truth: services and topics ------------------------------------------------------


def test_service_commands_name_exactly_the_registry(model: Model) -> None:
    commands = {
        name: spec["command"][1]
        for name, spec in services(model).items()
        if isinstance(spec.get("command"), list) and spec["command"][:1] == ["service"]
    }
    assert set(commands.values()) == set(SERVICES)
    assert all(name == service for name, service in commands.items()), commands


def test_topics_job_runs_claimwire_topics(model: Model) -> None:
    job = services(model)["topics"]
    assert job["command"] == ["topics"]
    assert job["image"].startswith("claimwire:")
    assert job.get("restart") == "no"


def topology(spec: dict[str, Any]) -> tuple[Any, ...]:
    env = env_of(spec)
    keys = ("KAFKA_BOOTSTRAP", "PARTITIONS", "REPLICATION_FACTOR", "TOPIC_PREFIX")
    return tuple(str(env.get(f"CLAIMWIRE_{k}")) for k in keys)


def test_every_container_agrees_on_the_topology(model: Model) -> None:
    """Topics are created once with these; a service that disagrees declares other topics."""
    found = {name: topology(spec) for name, spec in claimwire_containers(model).items()}
    assert len(set(found.values())) == 1, found
    assert "None" not in next(iter(found.values())), found


def test_topic_job_creates_what_shared_topics_declares(model: Model, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `claimwire topics` creates with the job's environment, and that the brokers accept it."""
    job = env_of(services(model)["topics"])
    settings = settings_from(env_example() | job, monkeypatch)
    topics = {t.name: t for t in all_topics(settings)}
    brokers = kafka_nodes(model)
    assert settings.replication_factor <= len(brokers)
    for topic in topics.values():
        assert topic.num_partitions == settings.partitions
        assert topic.replication_factor == settings.replication_factor
        for node in brokers.values():
            limit = int(env_of(node)["KAFKA_MESSAGE_MAX_BYTES"])
            assert int(topic.topic_configs["max.message.bytes"]) <= limit, topic.name
    for table in ALL_TABLES:
        assert topics[table.changelog(settings.topic_prefix)].topic_configs["cleanup.policy"] == "compact"
    dead = topics[DEADLETTER.full_name(settings.topic_prefix)]
    assert dead.topic_configs["retention.ms"] == str(DEADLETTER.retention_ms)
    for node in brokers.values():  # Kafka's default for topics created elsewhere agrees too
        assert str(env_of(node)["KAFKA_NUM_PARTITIONS"]) == str(settings.partitions)


# --- Kafka ----------------------------------------------------------------------------------------


def test_kafka_keeps_its_data_on_a_volume(model: Model) -> None:
    for name, node in kafka_nodes(model).items():
        log_dir = env_of(node)["KAFKA_LOG_DIRS"]
        volumes = {mount_target(v): v for v in node.get("volumes", [])}
        assert log_dir in volumes, f"{name}: {log_dir} is not on a volume"
        source = str(volumes[log_dir]).split(":")[0]
        assert source in (model.get("volumes") or {}), f"{name}: {source} is not a named volume"


def test_single_node_kafka(single: Model) -> None:
    (name, node), *rest = kafka_nodes(single).items()
    env = env_of(node)
    assert not rest and name == "kafka"
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft, no ZooKeeper
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert str(env_of(single["services"]["topics"])["CLAIMWIRE_REPLICATION_FACTOR"]) == "1"


def test_cluster_is_three_kraft_nodes(cluster: Model) -> None:
    nodes = kafka_nodes(cluster)
    assert len(nodes) == 3
    envs = {name: env_of(node) for name, node in nodes.items()}
    ids = {name: int(env["KAFKA_NODE_ID"]) for name, env in envs.items()}
    assert sorted(ids.values()) == [1, 2, 3]
    voters = {f"{ids[name]}@{name}:9093" for name in nodes}
    for name, env in envs.items():
        assert set(env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")) == voters, name
        assert env["KAFKA_PROCESS_ROLES"] == "broker,controller", name
        assert f"PLAINTEXT://{name}:9092" in env["KAFKA_ADVERTISED_LISTENERS"], name
        assert int(env["KAFKA_MIN_INSYNC_REPLICAS"]) == 2, name
        assert int(env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"]) == 3, name
        assert int(env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"]) == 3, name
    assert len({env["CLUSTER_ID"] for env in envs.values()}) == 1
    data = [str(v).split(":")[0] for n in nodes.values() for v in n["volumes"]]
    assert len(set(data)) == 3, f"each node needs its own volume: {data}"
    ports = [p for n in nodes.values() for p in n.get("ports", [])]
    assert len({str(p).rsplit(":", 1)[0] for p in ports}) == len(ports) == 3


def test_cluster_clients_know_every_broker(cluster: Model) -> None:
    brokers = {f"{name}:9092" for name in kafka_nodes(cluster)}
    for name, spec in claimwire_containers(cluster).items():
        env = env_of(spec)
        assert set(env["CLAIMWIRE_KAFKA_BOOTSTRAP"].split(",")) == brokers, name
        assert str(env["CLAIMWIRE_REPLICATION_FACTOR"]) == "3", name
    ui = env_of(services(cluster)["kafka-ui"])["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"]
    assert set(ui.split(",")) == brokers
    exporter = services(cluster)["kafka-exporter"]["command"]
    assert {a.removeprefix("--kafka.server=") for a in exporter if a.startswith("--kafka.server=")} == brokers
    topics_deps = as_mapping("depends_on", services(cluster)["topics"]["depends_on"])
    assert set(kafka_nodes(cluster)) <= set(topics_deps), "topics must wait for all brokers"


# --- OpenSearch -----------------------------------------------------------------------------------


def test_opensearch_security_off_by_default(single: Model) -> None:
    env = env_of(single["services"]["opensearch"])
    assert env["DISABLE_SECURITY_PLUGIN"] == "true"
    assert "OPENSEARCH_INITIAL_ADMIN_PASSWORD" not in env
    assert env["discovery.type"] == "single-node"
    for name in ("indexer", "api"):
        assert env_of(single["services"][name])["CLAIMWIRE_OPENSEARCH_URL"] == "http://opensearch:9200"
    assert single["services"]["opensearch-dashboards"]["profiles"] == ["dashboards"]


def test_opensearch_security_on_with_the_override() -> None:
    files, env = variants()["secure"]
    secure = load(files, env)
    os_env = env_of(secure["services"]["opensearch"])
    assert os_env["DISABLE_SECURITY_PLUGIN"] == "false"
    assert os_env["OPENSEARCH_INITIAL_ADMIN_PASSWORD"] == TEST_PASSWORD
    assert "https://" in " ".join(secure["services"]["opensearch"]["healthcheck"]["test"])
    for name in ("indexer", "api", "cli"):
        client = env_of(secure["services"][name])
        assert client["CLAIMWIRE_OPENSEARCH_URL"].startswith("https://"), name
        assert client["CLAIMWIRE_OPENSEARCH_PASSWORD"] == TEST_PASSWORD, name


_SECRET = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY$|CREDENTIAL", re.I)


def test_no_secret_is_written_down() -> None:
    """A secret is `${VAR:?}` (required), a bare pass-through name, or absent — never a value."""
    for path in (BASE, CLUSTER, SECURE):
        for key, value in secret_settings(read_yaml(path)):
            assert value is None or re.fullmatch(r"\$\{\w+:\?[^}]*\}", str(value)), f"{path.name}: {key}"
    for line in ENV_EXAMPLE.read_text().splitlines():
        key, _, value = line.partition("=")
        if _SECRET.search(key) and not key.startswith("#"):
            assert value == "", f".env.example gives a value to {key}"


def secret_settings(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, (str, type(None))) and _SECRET.search(str(key)):
                yield str(key), value
            yield from secret_settings(value)
    elif isinstance(node, list):
        for item in node:
            yield from secret_settings(item)


# --- files the deployment mounts ------------------------------------------------------------------


def test_bind_mounts_and_build_context_exist(model: Model) -> None:
    for name, spec in services(model).items():
        for volume in spec.get("volumes", []):
            source = str(volume).split(":")[0]
            if source.startswith("."):
                assert (REPO / source).exists(), f"{name} mounts missing {source}"
        build = spec.get("build")
        if build:
            assert (REPO / build["context"] / build["dockerfile"]).is_file(), name


def test_prometheus_scrapes_every_service(single: Model) -> None:
    config = yaml.safe_load((REPO / "deploy" / "prometheus" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    dns = jobs["claimwire"]["dns_sd_configs"]
    assert {name for sd in dns for name in sd["names"]} == set(SERVICES)
    for name in SERVICES:
        port = env_of(single["services"][name])["CLAIMWIRE_METRICS_PORT"]
        assert all(str(sd["port"]) == str(port) for sd in dns), name
    targets = {t for job in jobs.values() for sc in job.get("static_configs", []) for t in sc["targets"]}
    assert "kafka-exporter:9308" in targets
    assert "kafka-exporter" in single["services"]
    mounts = {mount_target(v): str(v).split(":")[0] for v in single["services"]["prometheus"]["volumes"]}
    assert mounts["/etc/prometheus/prometheus.yml"] == "./deploy/prometheus/prometheus.yml"


def grafana_mounts(model: Model) -> dict[str, str]:
    return {mount_target(v): str(v).split(":")[0] for v in model["services"]["grafana"]["volumes"]}


def test_grafana_is_provisioned(single: Model) -> None:
    mounts = grafana_mounts(single)
    provisioning = REPO / mounts["/etc/grafana/provisioning"]
    sources = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())["datasources"]
    assert [s["url"] for s in sources] == ["http://prometheus:9090"]
    providers = yaml.safe_load((provisioning / "dashboards" / "claimwire.yml").read_text())["providers"]
    dashboards_dir = providers[0]["options"]["path"]
    assert mounts[dashboards_dir] == "./deploy/grafana/dashboards"
    home = env_of(single["services"]["grafana"])["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert (REPO / mounts[dashboards_dir] / Path(home).name).is_file()


def dashboard() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(
        (REPO / "deploy" / "grafana" / "dashboards" / "claimwire.json").read_text()
    )
    return result


def dashboard_exprs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("expr"), str):
            yield node["expr"]
        for value in node.values():
            yield from dashboard_exprs(value)
    elif isinstance(node, list):
        for item in node:
            yield from dashboard_exprs(item)


def test_dashboard_uses_the_provisioned_datasource() -> None:
    provisioning = REPO / "deploy" / "grafana" / "provisioning" / "datasources" / "prometheus.yml"
    uid = yaml.safe_load(provisioning.read_text())["datasources"][0]["uid"]
    refs = re.findall(r'"uid":\s*"([^"]+)"', json.dumps(dashboard()["panels"]))
    assert refs and set(refs) == {uid}


def test_dashboard_shows_lag_throughput_and_latency() -> None:
    exprs = list(dashboard_exprs(dashboard()))
    assert any("kafka_consumergroup_lag" in e for e in exprs), "no lag panel"
    assert any("claimwire_messages_total" in e and "outcome" in e for e in exprs), "no throughput by outcome"
    assert any("claimwire_processing_seconds_bucket" in e for e in exprs), "no processing-time histogram"


def test_dashboard_metrics_exist() -> None:
    """Every claimwire_* series the dashboard queries is one shared/metrics.py exports."""
    families = {
        metric.name
        for collector in vars(shared.metrics).values()
        if isinstance(collector, MetricWrapperBase)
        for metric in collector.describe()
    }
    used = {m for e in dashboard_exprs(dashboard()) for m in re.findall(r"\bclaimwire_\w+", e)}
    for name in used:
        family = re.sub(r"_(total|bucket|sum|count|created)$", "", name)
        assert family in families, f"{name}: not exported by shared/metrics.py ({sorted(families)})"
