"""deploy/healthcheck.py, the image's health probe, against a real HTTP server on loopback."""

from __future__ import annotations

import importlib.util
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "healthcheck.py"


def load_probe() -> ModuleType:
    spec = importlib.util.spec_from_file_location("claimwire_healthcheck", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


probe = load_probe()


class Handler(BaseHTTPRequestHandler):
    """/metrics answers 200, /down 503, anything else 404."""

    def do_GET(self) -> None:
        status = {"/metrics": 200, "/down": 503}.get(self.path, 404)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed when we return: nothing listens there


def test_default_url_is_the_metrics_endpoint() -> None:
    assert probe.default_url({"CLAIMWIRE_METRICS_PORT": "9400"}) == "http://127.0.0.1:9400/metrics"
    assert probe.default_url({}) is None
    assert probe.default_url({"CLAIMWIRE_METRICS_PORT": " "}) is None


def test_healthy_when_metrics_answer(port: int) -> None:
    assert probe.main(["claimwire-healthcheck"], {"CLAIMWIRE_METRICS_PORT": str(port)}) == 0


@pytest.mark.parametrize(("path", "code"), [("/metrics", 0), ("/health", 0), ("/down", 1)])
def test_any_answer_below_500_is_alive(port: int, path: str, code: int) -> None:
    """An API without the probed route (404) is serving; a 5xx is not."""
    assert probe.main(["claimwire-healthcheck", f"http://127.0.0.1:{port}{path}"], {}) == code


def test_unhealthy_when_nothing_listens() -> None:
    assert probe.main(["claimwire-healthcheck"], {"CLAIMWIRE_METRICS_PORT": str(closed_port())}) == 1


def test_unhealthy_without_a_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert probe.main(["claimwire-healthcheck"], {}) == 1
    assert "CLAIMWIRE_METRICS_PORT" in capsys.readouterr().err


def test_proxies_are_ignored(port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy configured for the fetcher must not carry the loopback probe away."""
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    assert probe.main(["claimwire-healthcheck", f"http://127.0.0.1:{port}/metrics"], {}) == 0
