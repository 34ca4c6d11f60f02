"""The one configuration object each process builds from its environment (prefix ``CLAIMWIRE_``).

Settings are frozen: a process reads them once at start-up and passes them down. ``masked()``
gives a printable form with secrets hidden.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything a claimwire process may be configured with; see ``.env.example``."""

    model_config = SettingsConfigDict(env_prefix="CLAIMWIRE_", frozen=True, extra="ignore")

    # Kafka
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_controller_port: int = 9093
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl: bool = False
    topic_prefix: str = ""
    # How long a silent group member keeps its partitions: a crashed worker's partitions move to
    # the others after this (Kafka's default is 45 s; Faust's 60 s). Heartbeats run beside the
    # work, so a long batch does not count against it.
    kafka_session_timeout_s: float = Field(default=20.0, ge=6.0)
    kafka_heartbeat_interval_s: float = Field(default=2.0, gt=0)
    partitions: int = Field(default=4, ge=1)
    replication_factor: int = Field(default=1, ge=1)
    # Local state
    data_dir: Path = Path(".data")
    index_path: Path | None = None
    store: str = "memory://"
    # Service behaviour
    web_port: int | None = None
    metrics_port: int | None = None
    metrics_addr: str = "127.0.0.1"
    log_level: str = "warning"
    max_message_bytes: int = Field(default=1_000_000, ge=1024)
    max_text_chars: int = Field(default=400_000, ge=1000)
    dlq_max_value_bytes: int = Field(default=1_000_000, ge=0)
    fetch_timeout_s: float = 20.0
    fetch_max_bytes: int = 5_000_000
    fetch_allow_private: bool = False
    # Comma-separated host names, IP addresses or CIDR networks the fetcher may reach even when
    # they resolve to private/loopback addresses or use unusual ports (tests, private deployments).
    fetch_allow_hosts: str = ""
    fetch_connect_timeout_s: float = Field(default=5.0, gt=0)
    # Whole request, body included: a server trickling bytes forever ends here.
    fetch_deadline_s: float = Field(default=30.0, gt=0)
    fetch_max_connections: int = Field(default=100, ge=1)
    fetch_per_host_concurrency: int = Field(default=2, ge=1)
    fetch_concurrency: int = Field(default=32, ge=1)
    fetch_per_host_delay_s: float = Field(default=1.0, ge=0)
    fetch_max_crawl_delay_s: float = Field(default=10.0, ge=0)
    fetch_max_redirects: int = Field(default=5, ge=0)
    fetch_retries: int = Field(default=2, ge=0)
    fetch_retry_base_s: float = Field(default=0.5, ge=0)
    fetch_max_retry_after_s: float = Field(default=10.0, ge=0)
    fetch_respect_robots: bool = True
    fetch_robots_ttl_s: float = Field(default=3600.0, ge=0)
    fetch_host_down_after: int = Field(default=3, ge=1)
    fetch_host_down_s: float = Field(default=300.0, ge=0)
    fetch_feed_interval_s: float = Field(default=300.0, gt=0)
    # HTML extraction costs ~0.1-0.2 ms per element (more when deeply nested): a page beyond these
    # bounds is dead-lettered (``html-too-large`` / ``html-too-deep``) instead of holding the
    # fetcher for minutes. Real article pages have a few thousand elements, nested 20-40 deep.
    fetch_max_html_elements: int = Field(default=50_000, ge=100)
    fetch_max_html_depth: int = Field(default=150, ge=10)
    user_agent: str = "claimwire/0.1 (+https://claimwire.invalid/bot)"
    indexer_batch_size: int = Field(default=500, ge=1)
    indexer_batch_seconds: float = Field(default=0.25, gt=0)
    dedup_window_days: float = 30.0
    # The benchmark's no-work relay (shared/relay.py): which topic to read and which to write.
    relay_from: str = "relay.in"
    relay_to: str = "relay.out"
    learn_min_articles: int = Field(default=3, ge=2)
    learn_min_share: float = Field(default=0.5, gt=0, le=1)
    learn_max_lines: int = Field(default=400, ge=10)
    # Index backend: SQLite (embedded, default) unless ``opensearch_url`` is set
    opensearch_url: str | None = None
    opensearch_username: str | None = None
    opensearch_password: SecretStr | None = None
    # TLS certificate checks towards OpenSearch; off only for the demo certificates of compose's
    # secure variant.
    opensearch_verify_certs: bool = True
    opensearch_index_prefix: str = "claimwire-"
    opensearch_analyzer: str = "standard"
    opensearch_bulk_max_bytes: int = Field(default=5_000_000, ge=10_000)
    opensearch_timeout_s: float = Field(default=30.0, gt=0)
    opensearch_retries: int = Field(default=3, ge=0)
    opensearch_http_port: int = 9200
    opensearch_transport_port: int = 9300
    index_max_field_chars: int = Field(default=200_000, ge=1000)
    # Search API
    api_host: str = "127.0.0.1"
    api_port: int = 8080
    # The dashboard's sampling period (consumer groups, rates, dead letters): one sample costs a
    # few Kafka round trips.
    api_monitor_interval_s: float = Field(default=5.0, ge=1.0)

    @property
    def index_file(self) -> Path:
        return self.index_path or self.data_dir / "index.sqlite"

    def masked(self) -> dict[str, Any]:
        """The settings as a dict with every secret replaced by ``'***'``."""
        out = self.model_dump()
        for name, value in out.items():
            if isinstance(value, SecretStr):
                out[name] = "***"
        return out


def to_env(settings: Settings) -> dict[str, str]:
    """The environment variables that rebuild ``settings`` in a child process."""
    env = {}
    for name, value in settings.model_dump(exclude_none=True).items():
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif isinstance(value, Path):
            value = value.resolve()
        env[f"CLAIMWIRE_{name.upper()}"] = str(value)
    return env


def child_env(settings: Settings) -> dict[str, str]:
    """This process's environment with its own CLAIMWIRE_* replaced by ``settings``: what a child
    process (a service, a relay) needs to rebuild exactly these settings."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMWIRE_")}
    return {**inherited, **to_env(settings)}


def load_settings(**overrides: Any) -> Settings:
    """Build the settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)
