"""TLS through the asyncio network backend: a handshake that works, and one whose certificate is not trusted."""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import httpcore
import pytest

from tests.integration.server import Farm
from tests.linkcheck import entry, run_links, verdict
from validator.check.attempt import Failure, Fetched
from validator.check.client import Connections
from validator.check.fetch import fetch
from validator.check.guard import AddressPolicy, GuardedBackend
from validator.check.streams import AsyncioBackend
from validator.check.wire import target_of
from validator.models import LinkStatus

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def https_farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Farm, Path]]:
    """The test farm behind TLS with a self-signed certificate for 127.0.0.1 (made with openssl)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    farm = Farm("127.0.0.1")
    server: ThreadingHTTPServer = farm._server
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    farm.base = farm.base.replace("http://", "https://")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield farm, cert
    farm.close()


def test_tls_handshake_and_request_through_the_asyncio_backend(https_farm: tuple[Farm, Path]) -> None:
    farm, cert = https_farm
    trusted = ssl.create_default_context(cafile=str(cert))

    async def get() -> int:
        async with httpcore.AsyncConnectionPool(ssl_context=trusted, network_backend=AsyncioBackend()) as pool:
            response = await pool.request("GET", farm.url("/ok"))
            return response.status

    assert asyncio.run(get()) == 200


def test_an_untrusted_certificate_is_a_tls_error_not_dead(https_farm: tuple[Farm, Path]) -> None:
    farm, _ = https_farm
    url = farm.url("/ok")
    result = run_links([entry(url)], allow_private=True, retries=0)
    outcome = verdict(result, url)
    assert outcome.status is LinkStatus.ERROR and outcome.attempts == 1
    assert outcome.reason.startswith("TLS failure") and "CERTIFICATE_VERIFY_FAILED" in outcome.reason


def test_https_goes_through_httpx_with_the_guard_and_a_shared_context(https_farm: tuple[Farm, Path],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    farm, cert = https_farm
    trusted = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(Connections, "ssl_context", lambda self: trusted)
    url = farm.url("/ok")
    assert target_of(url) is None  # the wire takes plain HTTP only

    async def get(policy: AddressPolicy) -> Fetched:
        getter = Connections(GuardedBackend(policy), user_agent="t", timeout=5, connect_timeout=5).getter()
        try:
            return await fetch(getter, url, max_redirects=0, max_body=100_000)
        finally:
            await getter.aclose()

    fetched = asyncio.run(get(AddressPolicy(allow_private=True)))
    assert fetched.failure is None and fetched.status == 200 and b"<html" in fetched.body
    refused = asyncio.run(get(AddressPolicy()))
    assert refused.failure is Failure.BLOCKED_ADDRESS
