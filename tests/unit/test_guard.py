from __future__ import annotations

import asyncio
import ipaddress
import re

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


# IPv6 transition ranges: an address embedding a public IPv4 address, the same range embedding a private one.
# Teredo's client address is stored inverted: f5ff:fffe is NOT 10.0.0.1, f7f7:f7f7 is NOT 8.8.8.8.
TRANSITION = [
    ("NAT64", "64:ff9b::808:808", "64:ff9b::a00:1", "NAT64 for 10.0.0.1"),
    ("6to4", "2002:808:808::1", "2002:a00:1::1", "6to4 for 10.0.0.1"),
    ("Teredo", "2001:0:4136:e378:8000:63bf:f7f7:f7f7", "2001:0:4136:e378:8000:63bf:f5ff:fffe", "Teredo for 10.0.0.1"),
    ("IPv4-compatible", "::808:808", "::a00:1", "IPv4-compatible for 10.0.0.1"),
    ("6to4 to loopback", "2002:808:808::1", "2002:7f00:1::1", "6to4 for 127.0.0.1"),
    ("NAT64 to metadata", "64:ff9b::808:808", "64:ff9b::a9fe:a9fe", "NAT64 for 169.254.169.254"),
]


@pytest.mark.parametrize("name, public, private, why", TRANSITION, ids=[t[0] for t in TRANSITION])
def test_transition_addresses_are_decided_on_the_ipv4_address_inside(name: str, public: str, private: str,
                                                                     why: str) -> None:
    assert AddressPolicy().allows("example.com", ipaddress.ip_address(public))
    assert not AddressPolicy().allows("example.com", ipaddress.ip_address(private))
    inner = _Recording()
    backend = GuardedBackend(AddressPolicy(), inner=inner)

    async def scenario() -> None:
        with pytest.raises(BlockedAddress, match=rf"non-public address \({re.escape(private)} \({why}\)\)"):
            await backend.connect_tcp(private, 80)
        assert inner.connected == []
        with pytest.raises(httpcore.ConnectError, match="test backend does not connect"):
            await backend.connect_tcp(public, 80)  # allowed: the connection is attempted

    asyncio.run(scenario())
    assert inner.connected == [str(ipaddress.ip_address(public))]


@pytest.mark.parametrize("address, why", [
    ("64:ff9b:1::808:808", "local-use NAT64"),  # the operator chooses where the IPv4 address sits: refused
    ("fec0::1", "site-local"),
    ("fec0::808:808", "site-local"),
])
def test_transition_ranges_without_a_known_ipv4_address_are_refused(address: str, why: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    inner = _Recording()
    backend = GuardedBackend(AddressPolicy(), inner=inner)

    async def scenario() -> None:
        with pytest.raises(BlockedAddress, match=rf"\({why}\)"):
            await backend.connect_tcp(address, 80)

    asyncio.run(scenario())
    assert inner.connected == []


def test_allow_private_still_reaches_transition_addresses() -> None:
    assert AddressPolicy(allow_private=True).allows("x", ipaddress.ip_address("2002:a00:1::1"))


def test_names_resolving_only_to_non_public_addresses_are_kept_apart() -> None:
    """localhost (hosts file) and an intranet name prove nothing about public DNS; a name with one public
    address among private ones does."""
    table = {"localhost": ["127.0.0.1", "::1"], "wiki.corp": ["10.1.2.3"], "news.example": ["10.0.0.1", "1.1.1.1"]}

    async def lookup(host: str) -> list[str]:
        return table[host]

    backend = GuardedBackend(AddressPolicy(allow_private=True), resolver=lookup)

    async def main() -> None:
        for host in (*table, "127.0.0.2"):
            await backend.resolve(host)

    asyncio.run(main())
    assert backend.local_names() == {"localhost", "wiki.corp"}


def test_an_ipv4_address_in_a_legacy_spelling_is_that_address_and_never_a_dns_question() -> None:
    asked: list[str] = []

    async def resolver(host: str) -> list[str]:
        asked.append(host)
        return ["93.184.216.34"]

    backend = GuardedBackend(AddressPolicy(), inner=_Recording(), resolver=resolver)

    async def scenario() -> list[list[str]]:
        for spelling in ("127.1", "2130706433", "0x7f000001", "0177.0.0.1"):
            blocked = rf"{re.escape(spelling)} resolves to a non-public address \(127\.0\.0\.1\)"
            with pytest.raises(BlockedAddress, match=blocked):
                await backend.connect_tcp(spelling, 80)
        return [[str(a) for a in await backend.resolve(h)] for h in ("127.1", "0x08.0x08.0x08.0x08")]

    assert asyncio.run(scenario()) == [["127.0.0.1"], ["8.8.8.8"]]
    assert asked == []
