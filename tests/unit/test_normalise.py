"""URL identity (validator.urls.normalise): equal exactly when two URLs name the same resource.

A resource is drawn as its parts; each is then written out in one of the forms RFC 3986 holds equivalent
(scheme and host case, IPv6 written expanded or compressed, an explicit default port or none or an empty
one, unreserved characters percent-encoded or not, hex digits in either case, an empty path or '/', a
fragment or none). Small alphabets make near-misses common: the same address with the port moved into
the IPv6 literal, '/' against '%2F', an empty query against none.
"""

from __future__ import annotations

import ipaddress
import string
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from validator.urls import normalise

UNRESERVED = string.ascii_letters + string.digits + "-._~"
DEFAULT = {"http": 80, "https": 443}

# An atom of a path, query or user information: ("u", c) an unreserved character, written as itself or
# percent-encoded; ("r", c) a reserved character written as itself; ("e", byte) an octet that is not
# unreserved, percent-encoded. ("r", "/") and ("e", 0x2F) are different resources.
Atom = tuple[str, str | int]


@dataclass(frozen=True)
class Resource:
    scheme: str
    host: str | ipaddress.IPv6Address
    port: int | None
    userinfo: tuple[Atom, ...] | None
    path: tuple[Atom, ...]
    query: tuple[Atom, ...] | None

    def identity(self) -> tuple[object, ...]:
        return (self.scheme, self.host, self.port or DEFAULT[self.scheme], self.userinfo, self.path, self.query)


def atoms(reserved: str) -> st.SearchStrategy[tuple[Atom, ...]]:
    atom = st.one_of(st.tuples(st.just("u"), st.sampled_from("aZ9-._~")),
                     st.tuples(st.just("r"), st.sampled_from(reserved)),
                     st.tuples(st.just("e"), st.sampled_from([0x20, 0x2F, 0x3F, 0x25, 0x23, 0xC3, 0xA9, 0x40])))
    return st.lists(atom, max_size=4).map(tuple)


hosts = st.one_of(
    st.sampled_from(["news.example", "a.example", "b.example", "v1.x"]),
    st.sampled_from(["::1", "::1:8080", "2001:db8::1", "2001:db8::1:443"]).map(ipaddress.IPv6Address))
resources = st.builds(
    Resource, scheme=st.sampled_from(["http", "https"]), host=hosts,
    port=st.sampled_from([None, 80, 443, 8080, 1]),
    userinfo=st.one_of(st.none(), atoms("!$&'()*+,;=").map(lambda a: (*a, ("r", ":"), ("r", "*"))),
                       atoms("!$&'()*+,;=")),
    path=atoms("/:@!$&'()*+,;="), query=st.one_of(st.none(), atoms("/?:@!$&'()*+,;=")))


@st.composite
def written(draw: st.DrawFn, resource: Resource) -> str:
    """One of the equivalent ways to write the resource."""
    def case(text: str) -> str:
        return "".join(c.upper() if c.isalpha() and draw(st.booleans()) else c for c in text)

    def encoded(byte: int) -> str:
        return f"%{case(f'{byte:02x}')}"

    def text(parts: tuple[Atom, ...]) -> str:
        out = []
        for kind, value in parts:
            if kind == "e":
                assert isinstance(value, int)
                out.append(encoded(value))
            else:
                assert isinstance(value, str)
                out.append(encoded(ord(value)) if kind == "u" and draw(st.booleans()) else value)
        return "".join(out)

    if isinstance(resource.host, ipaddress.IPv6Address):
        host = "[" + case(draw(st.sampled_from([resource.host.compressed, resource.host.exploded]))) + "]"
    else:
        host = case(resource.host) + draw(st.sampled_from(["", "."]))
    port = resource.port or DEFAULT[resource.scheme]
    if port == DEFAULT[resource.scheme]:
        host += draw(st.sampled_from(["", ":", f":{port}", f":0{port}"]))
    else:
        host += f":{port}"
    userinfo = "" if resource.userinfo is None else text(resource.userinfo) + "@"
    path = "/" + text(resource.path)
    if path == "/" and draw(st.booleans()):
        path = ""
    query = "" if resource.query is None else "?" + text(resource.query)
    fragment = draw(st.sampled_from(["", "#", "#top", "#a/b?c"]))
    return f"{case(resource.scheme)}://{userinfo}{host}{path}{query}{fragment}"


@settings(max_examples=300, deadline=None)
@given(st.data(), resources, resources)
def test_same_key_exactly_when_same_resource(data: st.DataObject, one: Resource, other: Resource) -> None:
    other = data.draw(st.sampled_from([one, other]))
    first, second = data.draw(written(one)), data.draw(written(other))
    same = one.identity() == other.identity()
    assert (normalise(first) == normalise(second)) is same, (first, second, normalise(first), normalise(second))


@settings(max_examples=150, deadline=None)
@given(st.data(), resources)
def test_the_key_is_itself_a_way_to_write_the_resource(data: st.DataObject, resource: Resource) -> None:
    key = normalise(data.draw(written(resource)))
    assert normalise(key) == key


def test_an_ipv6_port_is_never_read_into_the_address() -> None:
    assert normalise("http://[::1]:8080/x") != normalise("http://[::1:8080]/x")
    assert normalise("http://[::1]:8080/x") == "http://[::1]:8080/x"
    assert normalise("http://[::1:8080]/x") == "http://[::1:8080]/x"
    assert normalise("HTTP://[0:0:0:0:0:0:0:1]:80") == "http://[::1]/"


def test_the_equivalences_applied_and_the_distinctions_kept() -> None:
    assert normalise("HTTPS://News.Example.:443/a%7e%2fb?q=%c3%a9#x") == "https://news.example/a~%2Fb?q=%C3%A9"
    assert normalise("https://news.example/x?") != normalise("https://news.example/x")
    assert normalise("https://news.example/a/b") != normalise("https://news.example/a%2Fb")
    assert normalise("https://news.example/A") != normalise("https://news.example/a")
    assert normalise("http://[v1.x]/") != normalise("http://v1.x/")
