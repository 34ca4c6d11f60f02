"""A local single-node OpenSearch run as a plain Java process, no Docker needed.

The integ-test distribution (``org.opensearch.distribution.integ-test-zip:opensearch:<ver>:zip``,
Apache-2.0) comes from Maven Central via ``mvn dependency:copy`` into a cache outside the
repository (``$CLAIMWIRE_CACHE`` or ``~/.cache/claimwire/opensearch-<ver>``). It has no security
plugin and only the server's built-in analyzers (no painless, no ``_update_by_query``): the
OpenSearch index backend is written for that subset.

OpenSearch refuses to run as root, so when we are root it runs as an unprivileged system user
(``claimwire-os``, created if missing) through ``runuser``. That user usually cannot read root's
home, so each instance runs from its own hard-linked (or copied) tree of the distribution inside
its data directory, which the user owns. ``start`` is idempotent (a node already answering on the
port is reused); ``stop`` sends SIGTERM and escalates to SIGKILL after a grace period.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from shared.infra.kafka import cache_dir

OPENSEARCH_VERSION = "2.19.3"
ARTIFACT = "org.opensearch.distribution.integ-test-zip:opensearch:{version}:zip"
DEFAULT_USER = "claimwire-os"


class OpenSearchError(RuntimeError):
    """The local node could not be fetched, started or reached."""


@dataclass(frozen=True, slots=True)
class LocalOpenSearch:
    """Where a local node lives and listens. ``data_dir`` must be reachable by ``user``."""

    data_dir: Path
    http_port: int = 9200
    transport_port: int = 9300
    host: str = "127.0.0.1"
    heap_mb: int = 512
    version: str = OPENSEARCH_VERSION
    user: str = DEFAULT_USER

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.http_port}"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "opensearch.pid"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"


def fetch(version: str = OPENSEARCH_VERSION) -> Path:
    """Download and unpack the distribution into the cache (once); returns its home directory."""
    root = cache_dir() / f"opensearch-{version}"
    home = root / f"opensearch-{version}"
    marker = root / ".complete"
    if marker.exists():
        return home
    if shutil.which("mvn") is None:
        raise OpenSearchError("Maven (mvn) is needed to fetch OpenSearch from Maven Central")
    root.mkdir(parents=True, exist_ok=True)
    cmd = [
        "mvn",
        "-B",
        "-q",
        "dependency:copy",
        f"-Dartifact={ARTIFACT.format(version=version)}",
        f"-DoutputDirectory={root}",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=root)
    archive = root / f"opensearch-{version}.zip"
    if result.returncode != 0 or not archive.exists():
        raise OpenSearchError(f"mvn failed fetching OpenSearch {version}:\n{result.stdout[-2000:]}")
    shutil.rmtree(home, ignore_errors=True)
    with zipfile.ZipFile(archive) as z:
        z.extractall(root)
    archive.unlink()
    for script in (home / "bin").iterdir():  # zipfile drops the executable bits
        script.chmod(0o755)
    marker.touch()
    return home


def java_home() -> Path:
    """The JDK to run OpenSearch 2.19 with: ``$OPENSEARCH_JAVA_HOME``, ``$JAVA_HOME`` or ``java``'s.

    2.19 still needs the security manager, which JDK 24+ removed: Java 17 or 21 is expected.
    """
    for var in ("OPENSEARCH_JAVA_HOME", "JAVA_HOME"):
        value = os.environ.get(var)
        if value and (Path(value) / "bin" / "java").exists():
            return Path(value)
    java = shutil.which("java")
    if java is None:
        raise OpenSearchError("java is needed to run OpenSearch")
    return Path(java).resolve().parents[1]


def ensure_user(name: str = DEFAULT_USER) -> None:
    """Create the unprivileged system user OpenSearch runs as, if it is missing."""
    if subprocess.run(["id", "-u", name], capture_output=True, check=False).returncode == 0:
        return
    result = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 and "already exists" not in result.stderr:
        raise OpenSearchError(f"could not create user {name}: {result.stderr.strip()}")


def _link_tree(src: Path, dst: Path) -> None:
    # Hard links cost no space and keep root-owned, read-only files; copy across filesystems.
    def link(s: str, d: str) -> None:
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)

    shutil.copytree(src, dst, copy_function=link, dirs_exist_ok=True)


def _config(o: LocalOpenSearch) -> str:
    return "\n".join(
        [
            "cluster.name: claimwire-local",
            "node.name: claimwire-local-1",
            f"network.host: {o.host}",
            f"http.port: {o.http_port}",
            f"transport.port: {o.transport_port}",
            "discovery.type: single-node",
            f"path.data: {o.data_dir / 'data'}",
            f"path.logs: {o.log_dir}",
            # Disks here can be nearly full: the watermarks would make every index read-only.
            "cluster.routing.allocation.disk.threshold_enabled: false",
            "action.auto_create_index: false",
            "",
        ]
    )


def _jvm_options(o: LocalOpenSearch) -> str:
    # The stock file writes GC logs and heap dumps relative to the home directory, which the
    # service user cannot write: keep everything inside the data directory.
    return "\n".join(
        [
            "-XX:+UseG1GC",
            f"-Djava.io.tmpdir={o.data_dir / 'tmp'}",
            "-XX:-HeapDumpOnOutOfMemoryError",
            f"-XX:ErrorFile={o.log_dir / 'hs_err_pid%p.log'}",
            "18-:-Djava.security.manager=allow",
            "-Djava.util.concurrent.ForkJoinPool.common.threadFactory="
            "org.opensearch.secure_sm.SecuredForkJoinWorkerThreadFactory",
            "",
        ]
    )


def _prepare(o: LocalOpenSearch, dist: Path) -> Path:
    """Lay out home, config, data, logs and tmp under ``data_dir``; returns the config dir."""
    home = o.data_dir / "home"
    if not (home / "lib").is_dir():
        _link_tree(dist, home)
    conf = o.data_dir / "config"
    for sub in (conf, o.data_dir / "data", o.log_dir, o.data_dir / "tmp"):
        sub.mkdir(parents=True, exist_ok=True)
    shutil.copy2(dist / "config" / "log4j2.properties", conf / "log4j2.properties")
    (conf / "opensearch.yml").write_text(_config(o))
    (conf / "jvm.options").write_text(_jvm_options(o))
    return conf


def _chown_tree(path: Path, user: str) -> None:
    for sub in ("config", "data", "logs", "tmp"):
        shutil.chown(path / sub, user, user)
        for p in (path / sub).rglob("*"):
            shutil.chown(p, user, user)
    shutil.chown(path, user, user)


def _command(o: LocalOpenSearch, conf: Path) -> list[str]:
    env = [
        "env",
        f"OPENSEARCH_JAVA_HOME={java_home()}",
        f"OPENSEARCH_JAVA_OPTS=-Xms{o.heap_mb}m -Xmx{o.heap_mb}m",
        f"OPENSEARCH_PATH_CONF={conf}",
        f"OPENSEARCH_TMPDIR={o.data_dir / 'tmp'}",
    ]
    launch = [str(o.data_dir / "home" / "bin" / "opensearch"), "-d", "-p", str(o.pid_file)]
    if os.geteuid() != 0:
        return [*env, *launch]
    return ["runuser", "-u", o.user, "--", *env, *launch]


def is_up(o: LocalOpenSearch, timeout: float = 1.0) -> bool:
    """True when something accepts TCP connections on the HTTP port."""
    try:
        with socket.create_connection((o.host, o.http_port), timeout=timeout):
            return True
    except OSError:
        return False


def start(o: LocalOpenSearch, *, wait_s: float = 120.0) -> int | None:
    """Start the node unless one already answers; wait for yellow health. Returns the pid if started."""
    if is_up(o):
        wait_ready(o, wait_s)
        return None
    dist = fetch(o.version)
    o.data_dir.mkdir(parents=True, exist_ok=True)
    conf = _prepare(o, dist)
    if os.geteuid() == 0:
        ensure_user(o.user)
        _chown_tree(o.data_dir, o.user)
    o.pid_file.unlink(missing_ok=True)
    # The daemon inherits stdout/stderr: a file, not a pipe, or ``run`` would wait for it forever.
    out_file = o.data_dir / "opensearch.out"
    with open(out_file, "wb") as out:
        code = subprocess.run(_command(o, conf), stdout=out, stderr=subprocess.STDOUT, check=False).returncode
    if code != 0:
        tail = out_file.read_text(errors="replace")[-3000:]
        raise OpenSearchError(f"OpenSearch failed to start ({code}): {tail}\nsee {o.log_dir}")
    wait_ready(o, wait_s)
    return pid(o)


def wait_ready(o: LocalOpenSearch, wait_s: float) -> None:
    """Block until the cluster is at least yellow, or raise OpenSearchError."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if o.pid_file.exists() and pid(o) is None:
            raise OpenSearchError(f"OpenSearch exited during start-up; see {o.log_dir}")
        with contextlib.suppress(httpx.HTTPError):
            r = httpx.get(f"{o.url}/_cluster/health", params={"wait_for_status": "yellow", "timeout": "2s"})
            if r.status_code == 200 and r.json().get("status") in ("yellow", "green"):
                return
        time.sleep(0.5)
    raise OpenSearchError(f"OpenSearch not ready on {o.url} after {wait_s:.0f}s; see {o.log_dir}")


def pid(o: LocalOpenSearch) -> int | None:
    """The pid of the node started from ``data_dir``, if it is still alive."""
    try:
        value = int(o.pid_file.read_text())
    except (OSError, ValueError):
        return None
    return value if _alive(value) else None


def _alive(value: int) -> bool:
    # ``-d`` daemonizes, so the node is not our child; still reap it in case it became one.
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(value, os.WNOHANG)[0] == value:
            return False
    try:
        os.kill(value, 0)
    except OSError:
        return False
    return True


def stop(o: LocalOpenSearch, *, grace_s: float = 30.0) -> bool:
    """Stop the node started from ``data_dir`` and wait until it exited. False if none was running."""
    value = pid(o)
    if value is None:
        return False
    os.kill(value, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    # The node deletes its pid file early in shutdown: watch the process, not the file.
    while _alive(value) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(value):
        with contextlib.suppress(ProcessLookupError):
            os.kill(value, signal.SIGKILL)
    with contextlib.suppress(FileNotFoundError, PermissionError):
        o.pid_file.unlink()
    return True
