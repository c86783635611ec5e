"""The verdict post-pass (check/verdicts.py): every rewrite after classification, from facts alone."""

from __future__ import annotations

from datetime import timedelta

from tests.linkcheck import NOW
from validator.check.verdicts import Checked, Conclusion, FlakeMemory, HostFacts, conclude, provisional
from validator.models import KindVerdict, LinkKind, LinkResult, LinkStatus

DAY = 86400.0
MEMORY = FlakeMemory(checks=3, days=2.0)
UP = HostFacts(attempted=frozenset({"a.example", "b.example"}), connected=frozenset({"a.example"}))


def checked(status: LinkStatus, reason: str, *, host: str = "a.example", key: str = "k",
            deadline: float | None = None, held_back: bool = False) -> Checked:
    result = LinkResult(f"https://{host}/x", LinkKind.PAGE, status, reason)
    return Checked(key, host, result, deadline=deadline, held_back=held_back)


def run(*items: Checked, hosts: HostFacts = UP, history: dict[str, tuple[float, int]] | None = None,
        now: float = NOW.timestamp()) -> Conclusion:
    return conclude(items, hosts, history=history, now=now, memory=MEMORY)


def test_a_classified_verdict_passes_unchanged() -> None:
    item = checked(LinkStatus.OK, "HTTP 200")
    assert run(item) == Conclusion((item.result,))


def test_a_deadline_becomes_an_error_naming_the_last_attempt() -> None:
    outcome = run(checked(LinkStatus.ERROR, "HTTP 503", deadline=20.0), checked(LinkStatus.ERROR, "", deadline=1.5))
    assert [r.reason for r in outcome.results] == [
        "no verdict within the 20 s deadline: the server is slow or hanging (last attempt: HTTP 503)",
        "no verdict within the 1.5 s deadline: the server is slow or hanging"]
    assert {r.status for r in outcome.results} == {LinkStatus.ERROR}


def test_when_no_host_connected_and_all_failed_at_dns_or_routing_nothing_is_called_dead() -> None:
    offline = HostFacts(attempted=frozenset({"a.example", "b.example"}),
                        network_failed=frozenset({"a.example", "b.example"}))
    dead = checked(LinkStatus.DEAD, "unknown host (NXDOMAIN): a.example", held_back=True)
    outcome = run(dead, checked(LinkStatus.ERROR, "no route to the host", host="b.example", key="k2"),
                  hosts=offline, history={})
    assert outcome.inconclusive
    assert outcome.results[0].status is LinkStatus.ERROR
    # the unknown host's NXDOMAIN claim is dropped: with no network, "no such name" is not what was learned
    assert outcome.results[0].reason == "not verified, network unavailable: a.example"
    assert outcome.results[1].reason == "no route to the host"
    assert "the network looks unavailable: no connection to any of 2 host(s)" in outcome.notes[0]
    assert (outcome.cache, outcome.failed, outcome.answered) == ((), (), ())  # nothing learned from it


def test_one_host_connecting_makes_unknown_hosts_verdicts_and_they_are_cached() -> None:
    dead = checked(LinkStatus.DEAD, "unknown host (NXDOMAIN): b.example", host="b.example", held_back=True)
    facts = HostFacts(attempted=UP.attempted, connected=UP.connected, network_failed=frozenset({"b.example"}))
    outcome = run(dead, hosts=facts, history={})
    assert not outcome.inconclusive and outcome.results == (dead.result,)
    assert outcome.cache == (("k", dead.result),)


def test_flake_memory_turns_an_error_dead_only_after_enough_checks_over_enough_days() -> None:
    error = checked(LinkStatus.ERROR, "HTTP 503")
    now = NOW.timestamp()
    assert run(error, history={}).results[0].status is LinkStatus.ERROR                 # the first failure
    assert run(error, history={"k": (now - 3 * DAY, 1)}).results[0].status is LinkStatus.ERROR  # 2 checks
    assert run(error, history={"k": (now - DAY, 5)}).results[0].status is LinkStatus.ERROR      # 1 day
    outcome = run(error, history={"k": (now - 2 * DAY, 2)})
    assert outcome.results[0].status is LinkStatus.DEAD
    since = (NOW - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert outcome.results[0].reason == f"persistently unreachable since {since} (3 checks in a row): HTTP 503"
    assert outcome.failed == ("k",) and outcome.answered == ()


def test_an_answer_ends_the_run_of_failures_and_skips_are_neither() -> None:
    outcome = run(checked(LinkStatus.DEAD, "HTTP 404", key="gone"), checked(LinkStatus.SKIPPED, "blocked", key="s"),
                  history={})
    assert (outcome.failed, outcome.answered) == ((), ("gone",))


def test_an_internal_error_is_neither_a_failure_nor_an_answer_however_long_it_lasts() -> None:
    error = LinkResult("https://a.example/x", LinkKind.PAGE, LinkStatus.ERROR,
                       "internal error while checking this URL (RuntimeError: 'boom')")
    outcome = run(Checked("k", "a.example", error, internal_error=True),
                  history={"k": (NOW.timestamp() - 9 * DAY, 9)})  # a long run of real failures before
    assert outcome.results == (error,)  # not turned dead by flake memory
    assert (outcome.failed, outcome.answered) == ((), ())  # the link's own run of failures is left as it was


def test_without_a_cache_nothing_is_remembered() -> None:
    outcome = run(checked(LinkStatus.ERROR, "HTTP 503"), history=None)
    assert outcome.results[0].status is LinkStatus.ERROR
    assert (outcome.cache, outcome.failed, outcome.answered) == ((), (), ())


def test_an_unreadable_first_failure_date_is_still_a_verdict() -> None:
    outcome = run(checked(LinkStatus.ERROR, "HTTP 503"), history={"k": (-1e300, 9)})
    assert outcome.results[0].status is LinkStatus.DEAD
    assert "(not a readable date)" in outcome.results[0].reason


def test_only_an_unknown_host_is_held_back() -> None:
    dead = LinkResult("https://a.example/", LinkKind.PAGE, LinkStatus.DEAD, "unknown host (NXDOMAIN)")
    assert provisional(dead, dns_failed=True)
    assert not provisional(dead, dns_failed=False)
    ok = LinkResult("https://a.example/", LinkKind.PAGE, LinkStatus.OK, "HTTP 200")
    assert not provisional(ok, dns_failed=True)


def test_when_no_host_name_resolves_unknown_hosts_are_not_dead_whatever_hosts_by_address_did() -> None:
    # 127.0.0.1 answered (an address, no lookup); every name's lookup failed: the resolver is what is missing
    facts = HostFacts(attempted=frozenset({"127.0.0.1", "a.example", "b.example"}), connected=frozenset({"127.0.0.1"}),
                      network_failed=frozenset({"a.example", "b.example"}),
                      names_unresolved=frozenset({"a.example", "b.example"}))
    unknown = Checked("k", "a.example", LinkResult("https://a.example/x", LinkKind.PAGE, LinkStatus.DEAD,
                                                   "unknown host (NXDOMAIN): a.example"),
                      held_back=True, name_lookup_failed=True)
    could_not_ask = Checked("k2", "b.example", LinkResult("https://b.example/x", LinkKind.PAGE, LinkStatus.ERROR,
                                                          "cannot resolve b.example"), name_lookup_failed=True)
    by_address = checked(LinkStatus.DEAD, "HTTP 404", host="127.0.0.1", key="k3")
    outcome = run(unknown, could_not_ask, by_address, hosts=facts, history={})
    assert outcome.inconclusive
    assert [(r.status, r.reason) for r in outcome.results] == [
        (LinkStatus.ERROR,
         "not verified: the name could not be looked up while name resolution was failing in this run (a.example)"),
        (LinkStatus.ERROR, "cannot resolve b.example"),
        (LinkStatus.DEAD, "HTTP 404")]  # an answer from a host reached by address is a verdict
    assert "the lookups of all 2 host name(s) failed (a.example, b.example)" in outcome.notes[0]
    # nothing that rests on the lookups is cached or remembered; the address's verdict is
    assert (outcome.cache, outcome.failed, outcome.answered) == ((), (), ("k3",))


def test_an_unknown_name_among_names_that_resolve_is_dead() -> None:
    facts = HostFacts(attempted=frozenset({"a.example", "b.example"}), connected=frozenset({"b.example"}),
                      network_failed=frozenset({"a.example"}), names_resolved=frozenset({"b.example"}),
                      names_unresolved=frozenset({"a.example"}))
    unknown = Checked("k", "a.example", LinkResult("https://a.example/x", LinkKind.PAGE, LinkStatus.DEAD,
                                                   "unknown host (NXDOMAIN): a.example"),
                      held_back=True, name_lookup_failed=True)
    outcome = run(unknown, hosts=facts, history={})
    assert not outcome.inconclusive and outcome.notes == ()
    assert outcome.results == (unknown.result,)
    assert outcome.cache == (("k", unknown.result),)


def test_a_rewrite_applies_to_every_kind_that_one_answer_stood_behind() -> None:
    dead = LinkResult("https://a.example/x", LinkKind.IMAGE, LinkStatus.DEAD, "unknown host (NXDOMAIN): a.example",
                      kinds=(KindVerdict(LinkKind.PAGE, LinkStatus.DEAD, "unknown host (NXDOMAIN): a.example"),
                             KindVerdict(LinkKind.IMAGE, LinkStatus.DEAD, "unknown host (NXDOMAIN): a.example")))
    offline = HostFacts(attempted=frozenset({"a.example"}), network_failed=frozenset({"a.example"}))
    (result,) = run(Checked("k", "a.example", dead, held_back=True), hosts=offline).results
    assert result.status is LinkStatus.ERROR
    assert {(v.kind, v.status) for v in result.kinds} == {(LinkKind.PAGE, LinkStatus.ERROR),
                                                          (LinkKind.IMAGE, LinkStatus.ERROR)}
    assert all(v.reason.startswith("not verified, network unavailable: ") for v in result.kinds)


def _page(path: str, status: LinkStatus, *, like: bool, section: str = "https://a.example/news/") -> Checked:
    result = LinkResult(f"https://a.example{path}", LinkKind.PAGE, status, "a catch-all page")
    return Checked(path, "a.example", result, section=section, like_made_up=like)


def test_every_article_of_a_section_answered_like_a_made_up_url_is_a_wall_in_any_order() -> None:
    pages = [_page("/news/a", LinkStatus.SOFT_DEAD, like=True), _page("/news/b", LinkStatus.SOFT_DEAD, like=True),
             _page("/news/c", LinkStatus.OK, like=True)]  # an app shell's warning: like it, and not soft-dead
    forward, backward = run(*pages).results, run(*reversed(pages)).results
    assert forward == tuple(reversed(backward))
    assert [r.status for r in forward] == [LinkStatus.BLOCKED, LinkStatus.BLOCKED, LinkStatus.OK]
    assert forward[0].reason.startswith("every one of the 3 articles checked in https://a.example/news/ gets the "
                                        "same answer as a made-up URL there")


def test_a_live_article_of_its_own_or_a_lone_article_keeps_the_catch_all_soft_dead() -> None:
    gone, live = _page("/news/a", LinkStatus.SOFT_DEAD, like=True), _page("/news/b", LinkStatus.OK, like=False)
    elsewhere = _page("/world/a", LinkStatus.SOFT_DEAD, like=True, section="https://a.example/world/")
    other_port = _page("/news/c", LinkStatus.SOFT_DEAD, like=True, section="https://a.example:8443/news/")
    assert [r.status for r in run(gone, live, elsewhere, other_port).results] == [
        LinkStatus.SOFT_DEAD, LinkStatus.OK, LinkStatus.SOFT_DEAD, LinkStatus.SOFT_DEAD]
