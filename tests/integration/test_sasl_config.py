"""Kafka security settings reach both client paths: Faust (``shared.app``) and raw aiokafka
clients (``shared.admin.client_options``: topic creation, publishing, status, dead letters).

No broker needed: the clients are only constructed (aiokafka validates its security options at
construction). TLS is not exercised against a broker here: the local broker has no TLS listener.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from pydantic import SecretStr

from shared.admin import client_options
from shared.app import make_app
from shared.settings import Settings

SASL = {"kafka_sasl_username": "claimwire", "kafka_sasl_password": SecretStr("pw")}


def settings(tmp_path: Path, **update: object) -> Settings:
    return Settings(data_dir=tmp_path).model_copy(update=update)


async def test_sasl_plaintext_on_both_paths(tmp_path: Path) -> None:
    s = settings(tmp_path, **SASL)
    opts = client_options(s)
    assert (opts["security_protocol"], opts["sasl_mechanism"]) == ("SASL_PLAINTEXT", "PLAIN")
    assert opts["sasl_plain_password"] == "pw"
    AIOKafkaAdminClient(**opts)  # valid options
    creds: Any = make_app("fetcher", s).conf.broker_credentials
    assert creds.username == "claimwire" and creds.ssl_context is None
    assert "pw" not in repr(creds)


@pytest.mark.parametrize("sasl", [True, False], ids=["sasl-ssl", "ssl-only"])
async def test_tls_on_both_paths(tmp_path: Path, sasl: bool) -> None:
    s = settings(tmp_path, kafka_ssl=True, **(SASL if sasl else {}))
    opts = client_options(s)
    assert opts["security_protocol"] == ("SASL_SSL" if sasl else "SSL")
    assert isinstance(opts.get("ssl_context"), ssl.SSLContext)
    AIOKafkaAdminClient(**opts)
    creds: Any = make_app("fetcher", s).conf.broker_credentials
    context = getattr(creds, "ssl_context", None) or getattr(creds, "context", None)
    assert isinstance(context, ssl.SSLContext)
