"""Where webhooks may be sent: the SSRF guard, applied when a subscription is saved and again
at every send (a name may resolve elsewhere by then).

Only `https` in production (`http` too elsewhere); no credentials in the URL; every address
the host resolves to must be a global unicast one: loopback, link-local, private, multicast,
reserved, unspecified and other non-global addresses (IPv4 and IPv6, an IPv4-mapped IPv6
address judged as its IPv4 address) are refused unless
`SANZHU_WEBHOOK_ALLOW_PRIVATE_TARGETS` is set. A name that does not resolve is accepted when
a subscription is saved (its DNS may be published later) and refused at send time.

At send time the connection goes to an address the check passed (`Checked.pinned`), not to
the name resolved again: a name re-pointed between the check and the connection (DNS
rebinding) cannot lead a webhook to an address the check refused. The request keeps the name
as its `Host` and, over TLS, as the server name the certificate is verified against.
"""

import asyncio
import ipaddress
import socket
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import SplitResult, urlsplit

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
RESOLVE_TIMEOUT_SECONDS = 5.0


class Refusal(StrEnum):
    """Why a target is refused: the field-error code of a 422 on `url` (errors.py)."""

    malformed = "target_malformed"
    scheme = "target_scheme"
    credentials = "target_credentials"
    fragment = "target_fragment"
    unresolvable = "target_unresolvable"
    unspecified = "target_unspecified"
    loopback = "target_loopback"
    link_local = "target_link_local"
    multicast = "target_multicast"
    private = "target_private"
    reserved = "target_reserved"
    not_global = "target_not_global"


@dataclass(frozen=True, slots=True)
class TargetRefused(Exception):
    """Why a URL is not an allowed target: a stable code and what fills its message."""

    code: Refusal
    params: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        details = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.code.value} ({details})" if details else self.code.value


def address_refusal(address: IpAddress) -> Refusal | None:
    """The code of the kind of address `address` is, when webhooks may not go there."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address_refusal(address.ipv4_mapped)
    kinds = (
        (Refusal.unspecified, address.is_unspecified),
        (Refusal.loopback, address.is_loopback),
        (Refusal.link_local, address.is_link_local),
        (Refusal.multicast, address.is_multicast),
        (Refusal.private, address.is_private),
        (Refusal.reserved, address.is_reserved),
        (Refusal.not_global, not address.is_global),
    )
    return next((code for code, applies in kinds if applies), None)


def parse(url: str, *, https_only: bool) -> SplitResult:
    """The URL's parts, if it may name a webhook target at all (scheme, host, no credentials)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading the port validates it
    except ValueError:
        raise TargetRefused(Refusal.malformed) from None
    allowed = ("https",) if https_only else ("https", "http")
    if parts.scheme not in allowed:
        raise TargetRefused(Refusal.scheme, {"allowed": ", ".join(allowed)})
    if not parts.hostname:
        raise TargetRefused(Refusal.malformed)
    try:
        parts.hostname.encode("idna")
    except UnicodeError:
        raise TargetRefused(Refusal.malformed) from None
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(Refusal.credentials)
    if parts.fragment:
        raise TargetRefused(Refusal.fragment)
    return parts


async def resolve(host: str, port: int) -> list[IpAddress]:
    """Every address `host` resolves to; an IP literal is itself. OSError when it does not."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0]) for info in infos]


@dataclass(frozen=True, slots=True)
class Checked:
    """A target that passed the check: its URL's parts and the addresses its host had then."""

    parts: SplitResult
    addresses: tuple[IpAddress, ...]

    @property
    def host(self) -> str:
        return self.parts.hostname or ""

    def pinned(self) -> list[str]:
        """The URL once per checked address, its host replaced by the address, in the order
        the name resolved: the connection goes where the check looked, trying the next
        address when one cannot be reached (a dual-stack name on a host without IPv6). A URL
        whose host did not resolve stays as it is."""
        if not self.addresses:
            return [self.parts.geturl()]
        urls = []
        for address in self.addresses:
            literal = f"[{address}]" if address.version == 6 else str(address)
            netloc = literal if self.parts.port is None else f"{literal}:{self.parts.port}"
            urls.append(self.parts._replace(netloc=netloc).geturl())
        return urls


async def check(url: str, *, https_only: bool, allow_private: bool, must_resolve: bool) -> Checked:
    """Refuse (`TargetRefused`) a URL webhooks may not be sent to; its parts and the
    addresses it resolved to otherwise (none when it did not resolve and need not)."""
    parts = parse(url, https_only=https_only)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = await resolve(host, port)
    except (OSError, TimeoutError):
        if must_resolve:
            raise TargetRefused(Refusal.unresolvable, {"host": host}) from None
        return Checked(parts, ())
    if not allow_private:
        for address in addresses:
            refusal = address_refusal(address)
            if refusal is not None:
                raise TargetRefused(refusal, {"address": str(address)})
    return Checked(parts, tuple(addresses))
