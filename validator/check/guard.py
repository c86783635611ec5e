"""Which addresses the checker may connect to, enforced where connections are made.

A URL's text says nothing reliable about where it leads: a public name can resolve to 10.0.0.5,
and any redirect hop can lead anywhere. So the decision is taken in the httpcore network backend,
on the address actually connected to, for every connection of every hop.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field

import httpcore

from ..config import parse_allowed
from ..urls import legacy_ipv4
from .streams import AsyncioBackend

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Looks a host name up: its addresses as text, or socket.gaierror (errno EAI_NONAME/EAI_NODATA: no such
# name; anything else: could not ask). The default asks the system (getaddrinfo); tests inject their own.
Resolver = Callable[[str], Awaitable[Sequence[str]]]
_PERMANENT_DNS_ERRORS = frozenset(
    code for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None)) if code is not None)


class BlockedAddress(httpcore.ConnectError):
    """The host resolves only to addresses the policy refuses (loopback, private, link-local...)."""


class DnsFailure(httpcore.ConnectError):
    """The host name could not be resolved; permanent when the name does not exist (NXDOMAIN)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class AddressPolicy:
    allow_private: bool = False
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    hosts: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_settings(cls, allow_private: bool, allowed: Iterable[str]) -> AddressPolicy:
        networks, hosts = [], set()
        for entry in allowed:
            parsed = parse_allowed(entry)
            if isinstance(parsed, str):
                hosts.add(parsed)
            else:
                networks.append(parsed)
        return cls(allow_private, tuple(networks), frozenset(hosts))

    def allows(self, host: str, address: IPAddress) -> bool:
        if self.allow_private or host.lower().rstrip(".") in self.hosts:
            return True
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address in network for network in self.networks):
            return True
        return is_public(address)


# IPv6 ranges that carry an IPv4 address, or lead somewhere the address alone does not say. Python's
# is_global calls most of them global, so each is decided here: on the IPv4 address inside where the
# range embeds one at a fixed place, refused where it does not.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")               # RFC 6052: the IPv4 address in the last 32 bits
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")       # RFC 8215: local use, the embedding is the operator's
_SIXTOFOUR = ipaddress.IPv6Network("2002::/16")              # RFC 3056: the IPv4 address in bits 16-48
_TEREDO = ipaddress.IPv6Network("2001::/32")                 # RFC 4380: the client's address, inverted, last 32 bits
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")            # RFC 4291, deprecated: IPv4 address in the last 32 bits
_SITE_LOCAL = ipaddress.IPv6Network("fec0::/10")             # RFC 3879, deprecated: private in all but name


def transition_target(address: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address | None] | None:
    """For an address in an IPv6 transition range: (what the range is, the IPv4 address it leads to, or
    None when it cannot be told). None for any other address."""
    if address in _NAT64:
        return "NAT64", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _NAT64_LOCAL:
        return "local-use NAT64", None
    if address in _SIXTOFOUR:
        return "6to4", address.sixtofour
    if address in _TEREDO:
        return "Teredo", address.teredo[1] if address.teredo else None
    if address in _IPV4_COMPATIBLE and int(address) > 1:  # :: and ::1 are unspecified and loopback, not this
        return "IPv4-compatible", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SITE_LOCAL:
        return "site-local", None
    return None


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast: not loopback, private, link-local, multicast, reserved or unspecified,
    and for an IPv6 transition address, one whose embedded IPv4 address is all that."""
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if isinstance(address, ipaddress.IPv6Address):
        transition = transition_target(address)
        if transition is not None:
            embedded = transition[1]
            return embedded is not None and is_public(embedded)
    return address.is_global and not address.is_multicast


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves each host once per run, refuses forbidden addresses, then connects to an allowed one.

    It also keeps the names whose lookup answered with no public address (`localhost` from /etc/hosts, an
    intranet name): they prove nothing about the resolver public names go to (verdicts.py, rule 2b)."""

    def __init__(self, policy: AddressPolicy, inner: httpcore.AsyncNetworkBackend | None = None,
                 dns_timeout: float = 10.0, resolver: Resolver | None = None) -> None:
        self._policy = policy
        self._inner = inner or AsyncioBackend()
        self._dns_timeout = dns_timeout
        self._resolver = resolver or system_resolver
        self._resolved: dict[str, asyncio.Future[list[IPAddress]]] = {}
        self._local_names: set[str] = set()

    def local_names(self) -> frozenset[str]:
        """The host names looked up in this run that resolved only to non-public addresses."""
        return frozenset(self._local_names)

    async def resolve(self, host: str) -> list[IPAddress]:
        future = self._resolved.get(host)
        if future is None:
            future = self._resolved[host] = asyncio.ensure_future(self._lookup(host))
        return await asyncio.shield(future)

    async def _lookup(self, host: str) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            pass
        legacy = legacy_ipv4(host)  # 127.1, 2130706433, 0x7f000001: the address getaddrinfo would give, asked of no DNS
        if legacy is not None:
            return [legacy]
        try:
            async with asyncio.timeout(self._dns_timeout):
                found = await self._resolver(host)
        except socket.gaierror as exc:
            permanent = exc.errno in _PERMANENT_DNS_ERRORS
            raise DnsFailure(f"cannot resolve {host}: {exc.strerror}", permanent=permanent) from exc
        except TimeoutError as exc:
            raise DnsFailure(f"DNS lookup of {host} timed out", permanent=False) from exc
        addresses: list[IPAddress] = []
        for text in found:
            try:
                address = ipaddress.ip_address(str(text).split("%", 1)[0])
            except ValueError:
                continue  # not an address: nothing to connect to
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise DnsFailure(f"cannot resolve {host}: no address", permanent=False)
        if not any(is_public(address) for address in addresses):
            self._local_names.add(host)
        return addresses

    async def allowed(self, host: str) -> list[IPAddress]:
        """The addresses of `host` the policy lets a connection go to (BlockedAddress when none, DnsFailure
        when it has none). Every connection, whichever engine makes it, goes to one of these."""
        addresses = await self.resolve(host)
        allowed = [a for a in addresses if self._policy.allows(host, a)]
        if not allowed:
            raise BlockedAddress(_blocked_message(host, addresses))
        return allowed

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        allowed = await self.allowed(host)
        error: Exception | None = None
        for address in allowed:
            try:
                return await self._inner.connect_tcp(str(address), port, timeout=timeout,
                                                     local_address=local_address, socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix sockets are never connected to")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def system_resolver(host: str) -> list[str]:
    """The system's resolver (getaddrinfo): the host's addresses as text."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _blocked_message(host: str, addresses: Sequence[IPAddress]) -> str:
    shown = ", ".join(_described(a) for a in addresses[:3])
    return (f"{host} resolves to a non-public address ({shown}); not fetched. Use --allow-private or "
            f"allow-networks in the config for intranet hosts")


def _described(address: IPAddress) -> str:
    """The address, and for a transition address where it leads: `2002:a00:1:: (6to4 for 10.0.0.1)`."""
    transition = transition_target(address) if isinstance(address, ipaddress.IPv6Address) else None
    if transition is None:
        return str(address)
    kind, embedded = transition
    return f"{address} ({kind} for {embedded})" if embedded is not None else f"{address} ({kind})"
