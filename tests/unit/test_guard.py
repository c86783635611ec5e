from __future__ import annotations

import asyncio
import ipaddress

import httpcore
import pytest

from validator.check.guard import AddressPolicy, BlockedAddress, DnsFailure, GuardedBackend, is_public


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "10.0.0.5", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254", "192.0.2.1", "198.18.0.1",
])
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    assert not AddressPolicy().allows("example.com", ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert AddressPolicy().allows("example.com", ipaddress.ip_address(address))


def test_allow_private_and_allow_lists() -> None:
    loopback = ipaddress.ip_address("127.0.0.2")
    assert AddressPolicy(allow_private=True).allows("x", loopback)
    by_network = AddressPolicy.from_settings(False, ["127.0.0.0/30", "intranet.corp"])
    assert by_network.allows("anything", loopback)
    assert not by_network.allows("anything", ipaddress.ip_address("127.0.0.9"))
    assert by_network.allows("Intranet.Corp.", ipaddress.ip_address("10.1.1.1"))


class _Recording(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self.connected: list[str] = []

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: object = None) -> httpcore.AsyncNetworkStream:
        self.connected.append(host)
        raise httpcore.ConnectError("test backend does not connect")


def test_backend_refuses_before_connecting_and_resolves_once() -> None:
    inner = _Recording()
    backend = GuardedBackend(AddressPolicy(), inner=inner)

    async def scenario() -> None:
        with pytest.raises(BlockedAddress, match=r"localhost resolves to a non-public address \(.*127\.0\.0\.1"):
            await backend.connect_tcp("localhost", 80)
        with pytest.raises(BlockedAddress):
            await backend.connect_tcp("127.0.0.1", 80)
        with pytest.raises(BlockedAddress, match="unix sockets"):
            await backend.connect_unix_socket("/run/docker.sock")
        first = await backend.resolve("localhost")
        assert await backend.resolve("localhost") == first

    asyncio.run(scenario())
    assert inner.connected == []


def test_allowed_address_is_connected_by_ip() -> None:
    inner = _Recording()
    backend = GuardedBackend(AddressPolicy(allow_private=True), inner=inner)

    async def scenario() -> None:
        with pytest.raises(httpcore.ConnectError):
            await backend.connect_tcp("localhost", 80)

    asyncio.run(scenario())
    assert inner.connected and all(ipaddress.ip_address(a).is_loopback for a in inner.connected)


def test_unresolvable_name_is_a_dns_failure() -> None:
    backend = GuardedBackend(AddressPolicy(), inner=_Recording())

    async def scenario() -> None:
        with pytest.raises(DnsFailure):
            await backend.connect_tcp("no-such-host.invalid", 80)

    asyncio.run(scenario())
