"""Outbound POSTs to addresses people typed in: only public ones (unless allowed), checked again at every
request, sent to the address that was checked, and bounded by a deadline. Against a real receiver."""

from __future__ import annotations

import json

import pytest

from server.infra import outbound
from tests.support.receiver import HANG, running_receiver
from tests.support.servers import free_port


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8000/hook", "loopback"),
        ("http://[::1]/hook", "loopback"),
        ("http://localhost/hook", "loopback"),
        ("http://[::ffff:127.0.0.1]/hook", "loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("http://172.16.0.5/hook", "private"),
        ("https://192.168.1.10/hook", "private"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://0.0.0.0/hook", "unspecified"),
        ("http://100.64.0.1/hook", "non-public"),
        ("http://224.0.0.1/hook", "multicast"),
    ],
)
async def test_inside_addresses_are_refused(url: str, reason: str) -> None:
    with pytest.raises(outbound.AddressRefused, match=reason):
        await outbound.check(url, allow_private=False)
    await outbound.check(url, allow_private=True)  # what WARROOM_WEBHOOK_ALLOW_PRIVATE=1 permits


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/hook", "Only http and https"),
        ("file:///etc/passwd", "Only http and https"),
        ("javascript:alert(1)", "Only http and https"),
        ("example.com/hook", "Only http and https"),
        ("https://user:secret@example.com/hook", "user name or password"),
        ("https://example.com/hook#part", "fragment"),
        ("https:///hook", "no host"),
        ("https://example.com:99999/hook", "cannot be read"),
        ("https://example.com/a b", "spaces"),
        ("https://example.com/" + "x" * 2000, "longer than"),
    ],
)
async def test_urls_that_cannot_be_used_are_refused_with_a_reason(url: str, message: str) -> None:
    with pytest.raises(outbound.OutboundError, match=message):
        await outbound.check(url, allow_private=True)


async def test_names_that_do_not_resolve_are_refused() -> None:
    for url in ("https://no-such-host.invalid/hook", "https://需求.invalid/钩子"):
        with pytest.raises(outbound.Unresolvable, match="does not resolve"):
            await outbound.check(url, allow_private=False)


async def test_public_addresses_pass_without_a_connection() -> None:
    target = await outbound.check("https://93.184.216.34/hooks?来源=warroom", allow_private=False)
    assert (target.host, target.port, target.path) == (
        "93.184.216.34",
        443,
        "/hooks?%E6%9D%A5%E6%BA%90=warroom",
    )
    v6 = await outbound.check("http://[2606:4700:4700::1111]:8080/", allow_private=False)
    assert v6.host_header == "[2606:4700:4700::1111]:8080"


async def test_a_post_carries_the_exact_body_and_headers_and_reads_the_answer() -> None:
    body = json.dumps({"text": "退款一直没到账 refund never arrived"}, ensure_ascii=False).encode()
    async with running_receiver([503]) as receiver:
        answer = await outbound.post(
            receiver.url, body, {"X-Warroom-Event": "TEST"}, within=10, allow_private=True
        )
        assert answer.status == 503
        assert "稍后重试" in answer.body_prefix
        (received,) = receiver.requests
    assert received.body == body  # byte for byte: what a signature covers
    assert received.headers["x-warroom-event"] == "TEST"
    assert received.headers["host"] == f"127.0.0.1:{receiver.port}"
    assert received.headers["content-length"] == str(len(body))


async def test_the_address_is_checked_again_at_every_request() -> None:
    # Saved while allowed (or while the name pointed elsewhere): a request that would now reach an inside
    # address is refused before any connection is made.
    async with running_receiver() as receiver:
        with pytest.raises(outbound.AddressRefused, match="loopback"):
            await outbound.post(receiver.url, b"{}", {}, within=10, allow_private=False)
        assert receiver.requests == []


async def test_an_endpoint_that_never_answers_runs_into_the_deadline() -> None:
    async with running_receiver([HANG]) as receiver:
        with pytest.raises(TimeoutError):
            await outbound.post(receiver.url, b"{}", {}, within=0.5, allow_private=True)
        assert len(receiver.requests) == 1


async def test_nothing_listening_is_an_error_not_an_answer() -> None:
    with pytest.raises(outbound.OutboundError, match="Could not connect"):
        await outbound.post(f"http://127.0.0.1:{free_port()}/", b"{}", {}, within=5, allow_private=True)
