"""Pure rules of webhooks: the retry schedule, Retry-After, what an answer means, which
addresses the SSRF guard refuses, and signatures (checked by the reference library)."""

import base64
import ipaddress
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import Webhook

from app.core.field_messages import render_field
from app.core.i18n import Language
from app.webhooks import rules, signing, targets
from app.webhooks.rules import Outcome, judge

NOW = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
LIMIT = timedelta(hours=6)


def test_the_schedule_spans_more_than_a_day() -> None:
    assert rules.MAX_ATTEMPTS == 8
    assert sum(rules.RETRY_DELAYS, timedelta()) * (1 - rules.JITTER) > timedelta(days=1)


@given(st.integers(1, len(rules.RETRY_DELAYS)), st.floats(-1, 1))
def test_each_delay_is_its_step_within_the_jitter(attempts: int, jitter: float) -> None:
    delay = rules.retry_delay(attempts, jitter)
    step = rules.RETRY_DELAYS[attempts - 1]
    assert delay is not None
    assert step * (1 - rules.JITTER) <= delay <= step * (1 + rules.JITTER)


@given(st.integers(0, 100), st.floats(-1, 1))
def test_after_the_last_attempt_nothing_follows(attempts: int, jitter: float) -> None:
    verdict = judge(500, attempts, NOW, retry_after_max=LIMIT, jitter=jitter)
    if 1 <= attempts < rules.MAX_ATTEMPTS:
        assert verdict.outcome is Outcome.retry
        assert verdict.next_attempt_at is not None
        assert verdict.next_attempt_at > NOW
    else:
        assert verdict == rules.Verdict(Outcome.failed)


@given(st.integers(200, 299), st.integers(1, 8))
def test_2xx_is_delivered(status: int, attempts: int) -> None:
    assert judge(status, attempts, NOW, retry_after_max=LIMIT).outcome is Outcome.delivered


@pytest.mark.parametrize("status", [301, 302, 307, 308, 400, 404, 429, 500, 503, None])
def test_anything_else_but_410_is_retried(status: int | None) -> None:
    assert judge(status, 1, NOW, retry_after_max=LIMIT, jitter=0).outcome is Outcome.retry
    assert judge(410, 1, NOW, retry_after_max=LIMIT).outcome is Outcome.gone


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_sets_the_next_attempt_within_the_bound(status: int) -> None:
    later = judge(status, 1, NOW, retry_after_header="120", retry_after_max=LIMIT)
    dated = format_datetime(NOW + timedelta(minutes=30), usegmt=True)
    by_date = judge(status, 1, NOW, retry_after_header=dated, retry_after_max=LIMIT)
    bounded = judge(status, 1, NOW, retry_after_header="999999", retry_after_max=LIMIT)
    garbage = judge(status, 1, NOW, retry_after_header="soon", retry_after_max=LIMIT, jitter=0)
    assert later.next_attempt_at == NOW + timedelta(seconds=120)
    assert by_date.next_attempt_at == NOW + timedelta(minutes=30)
    assert bounded.next_attempt_at == NOW + LIMIT
    assert garbage.next_attempt_at == NOW + rules.RETRY_DELAYS[0]
    ignored = judge(500, 1, NOW, retry_after_header="120", retry_after_max=LIMIT, jitter=0)
    assert ignored.next_attempt_at == NOW + rules.RETRY_DELAYS[0]


def test_a_past_retry_after_date_means_now() -> None:
    past = format_datetime(NOW - timedelta(hours=1), usegmt=True)
    assert rules.retry_after(past, NOW) == timedelta(0)


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("127.0.0.1", "target_loopback"),
        ("10.0.0.1", "target_private"),
        ("172.16.5.4", "target_private"),
        ("192.168.1.1", "target_private"),
        ("169.254.169.254", "target_link_local"),
        ("0.0.0.0", "target_unspecified"),  # noqa: S104 - an address judged, not bound
        ("224.0.0.251", "target_multicast"),
        ("240.0.0.1", "target_private"),
        ("100.64.0.1", "target_not_global"),
        ("::1", "target_loopback"),
        ("::", "target_unspecified"),
        ("fe80::1", "target_link_local"),
        ("fc00::1", "target_private"),
        ("ff02::1", "target_multicast"),
        ("::ffff:127.0.0.1", "target_loopback"),
        ("::ffff:10.0.0.1", "target_private"),
        ("8.8.8.8", None),
        ("2001:4860:4860::8888", None),
        ("::ffff:8.8.8.8", None),
    ],
)
def test_addresses_refused(address: str, code: str | None) -> None:
    assert targets.address_refusal(ipaddress.ip_address(address)) == code


@given(st.ip_addresses(v=4))
def test_an_ipv4_mapped_address_is_judged_as_its_ipv4_address(
    address: ipaddress.IPv4Address,
) -> None:
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert targets.address_refusal(mapped) == targets.address_refusal(address)


def test_production_takes_https_only() -> None:
    with pytest.raises(targets.TargetRefused) as refused:
        targets.parse("http://hooks.example.cn/x", https_only=True)
    assert refused.value.code == "target_scheme"
    assert targets.parse("https://hooks.example.cn/x", https_only=True).hostname == (
        "hooks.example.cn"
    )


async def test_an_unresolvable_host_is_refused_only_when_it_must_resolve() -> None:
    url = "https://nowhere.invalid/hooks"
    await targets.check(url, https_only=True, allow_private=False, must_resolve=False)
    with pytest.raises(targets.TargetRefused) as refused:
        await targets.check(url, https_only=True, allow_private=False, must_resolve=True)
    assert refused.value.code == "target_unresolvable"


async def test_private_targets_pass_when_allowed() -> None:
    url = "http://127.0.0.1:9/x"
    await targets.check(url, https_only=False, allow_private=True, must_resolve=True)


def test_a_new_secret_has_32_random_bytes() -> None:
    first, second = signing.new_secret(), signing.new_secret()
    assert first != second
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32


@given(st.text(max_size=500), st.uuids())
def test_the_signature_verifies_with_the_reference_library(text: str, message: object) -> None:
    """Bodies are UTF-8 JSON; the reference library reads them as text."""
    body = text.encode()
    secret = signing.new_secret()
    stamp = int(datetime.now(UTC).timestamp())
    headers = {
        "webhook-id": str(message),
        "webhook-timestamp": str(stamp),
        "webhook-signature": signing.signature(secret, str(message), stamp, body),
    }
    Webhook(secret).verify(body, headers, json_parse=False)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example.cn/x",
        "https://a:b@hooks.example.cn/x",
        "https://hooks.example.cn/x#f",
        "https://[::1]/x",
        "https://nowhere.invalid/x",
        "https://:99999/x",
    ],
)
@pytest.mark.parametrize("language", ["zh-CN", "en"])
async def test_every_refusal_renders_with_the_parameters_it_gives(
    url: str, language: Language
) -> None:
    with pytest.raises(targets.TargetRefused) as refused:
        await targets.check(url, https_only=True, allow_private=False, must_resolve=True)
    message = render_field(refused.value.code.value, language, refused.value.params)
    assert "{" not in message


@pytest.mark.parametrize(
    "header", ["²", "１２", "99999999999999999999", "100000000000000", "-5", "1.5"]
)
def test_an_unusable_delay_is_ignored_and_a_huge_one_capped(header: str) -> None:
    verdict = judge(503, 1, NOW, retry_after_header=header, retry_after_max=LIMIT, jitter=0)
    assert verdict.outcome is Outcome.retry
    assert verdict.next_attempt_at is not None
    assert verdict.next_attempt_at - NOW <= LIMIT


@given(st.text(max_size=40))
def test_any_retry_after_header_is_judged_without_raising(header: str) -> None:
    verdict = judge(429, 1, NOW, retry_after_header=header, retry_after_max=LIMIT, jitter=0)
    assert verdict.outcome is Outcome.retry
    assert verdict.next_attempt_at is not None
    assert timedelta(0) <= verdict.next_attempt_at - NOW <= max(LIMIT, timedelta(seconds=6))
