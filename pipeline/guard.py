"""Which network targets a fetch may reach: refuse private, loopback, link-local and other non-public ones.

The check lives inside the connection urllib3 opens, so it reads the very host urllib3 will connect
to (no second URL parser to disagree with). Before any socket exists, the host is resolved and every
address checked; the socket is then opened to those checked addresses only, never to a fresh lookup.
After connecting, the peer the socket really reached is checked again as a second layer. Unlike
trafilatura's SSRF check, ours takes an operator allowlist of networks (intranets, and tests).
"""

from __future__ import annotations

import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# The IANA IPv4 and IPv6 Special-Purpose Address Registries (iana.org/assignments/iana-ipv4-special-
# registry and iana-ipv6-special-registry), plus multicast, the deprecated site-local block and
# SIIT's IPv4-translated form. No web page is served from any of these blocks, so every row is
# refused, including the anycast services the registry marks as globally reachable (AS112, AMT).
# Columns: network, what it is (for the message), where it is defined. The most specific row names it.
SPECIAL_PURPOSE: tuple[tuple[str, str, str], ...] = (
    ("0.0.0.0/8", 'a "this network" address', "RFC 791"),
    ("0.0.0.0/32", "an unspecified address", "RFC 1122"),
    ("10.0.0.0/8", "a private address", "RFC 1918"),
    ("100.64.0.0/10", "a shared (carrier-grade NAT) address", "RFC 6598"),
    ("127.0.0.0/8", "a loopback address", "RFC 1122"),
    ("169.254.0.0/16", "a link-local address", "RFC 3927"),
    ("172.16.0.0/12", "a private address", "RFC 1918"),
    ("192.0.0.0/24", "an IETF protocol assignment", "RFC 6890"),
    ("192.0.0.0/29", "an IPv4 service continuity address", "RFC 7335"),
    ("192.0.0.8/32", "the IPv4 dummy address", "RFC 7600"),
    ("192.0.0.9/32", "a port control protocol anycast address", "RFC 7723"),
    ("192.0.0.10/32", "a TURN anycast address", "RFC 8155"),
    ("192.0.0.170/31", "a NAT64/DNS64 discovery address", "RFC 8880"),
    ("192.0.2.0/24", "a documentation address", "RFC 5737"),
    ("192.31.196.0/24", "an AS112 anycast address", "RFC 7535"),
    ("192.52.193.0/24", "an AMT anycast address", "RFC 7450"),
    ("192.88.99.0/24", "a deprecated 6to4 relay anycast address", "RFC 7526"),
    ("192.168.0.0/16", "a private address", "RFC 1918"),
    ("192.175.48.0/24", "an AS112 anycast address", "RFC 7534"),
    ("198.18.0.0/15", "a benchmarking address", "RFC 2544"),
    ("198.51.100.0/24", "a documentation address", "RFC 5737"),
    ("203.0.113.0/24", "a documentation address", "RFC 5737"),
    ("224.0.0.0/4", "a multicast address", "RFC 5771"),
    ("240.0.0.0/4", "a reserved address", "RFC 1112"),
    ("255.255.255.255/32", "the broadcast address", "RFC 919"),
    ("::/128", "an unspecified address", "RFC 4291"),
    ("::1/128", "a loopback address", "RFC 4291"),
    ("::/96", "a deprecated IPv4-compatible address", "RFC 4291"),
    ("::ffff:0:0:0/96", "an IPv4-translated (SIIT) address", "RFC 2765"),
    ("64:ff9b:1::/48", "a local-use IPv4/IPv6 translation address", "RFC 8215"),
    ("100::/64", "a discard-only address", "RFC 6666"),
    ("2001::/23", "an IETF protocol assignment", "RFC 2928"),
    ("2001::/32", "a Teredo address", "RFC 4380"),
    ("2001:1::1/128", "a port control protocol anycast address", "RFC 7723"),
    ("2001:1::2/128", "a TURN anycast address", "RFC 8155"),
    ("2001:2::/48", "a benchmarking address", "RFC 5180"),
    ("2001:3::/32", "an AMT anycast address", "RFC 7450"),
    ("2001:4:112::/48", "an AS112 anycast address", "RFC 7535"),
    ("2001:10::/28", "a deprecated ORCHID address", "RFC 4843"),
    ("2001:20::/28", "an ORCHIDv2 address", "RFC 7343"),
    ("2001:db8::/32", "a documentation address", "RFC 3849"),
    ("2620:4f:8000::/48", "an AS112 anycast address", "RFC 7534"),
    ("3fff::/20", "a documentation address", "RFC 9637"),
    ("5f00::/16", "a segment routing (SRv6) address", "RFC 9602"),
    ("fc00::/7", "a unique-local (private) address", "RFC 4193"),
    ("fe80::/10", "a link-local address", "RFC 4291"),
    ("fec0::/10", "a deprecated site-local address", "RFC 3879"),
    ("ff00::/8", "a multicast address", "RFC 4291"),
)
_SPECIAL = sorted(
    ((ipaddress.ip_network(net), what) for net, what, _rfc in SPECIAL_PURPOSE), key=lambda row: -row[0].prefixlen
)
# IPv6 forms that carry an IPv4 address a gateway would reach: that one decides (IPv4-mapped
# ::ffff:0:0/96, RFC 4291, is unwrapped before anything else).
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")  # RFC 3056
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")  # the only block IANA allocates for unicast (RFC 4291)


class RefusedTarget(Exception):
    """A target the policy refuses; the message says which address, why, and how to allow it."""


class RefusedConnection(NewConnectionError):
    """urllib3's form of RefusedTarget, raised by a connection instead of opening a socket."""

    def __init__(self, conn: HTTPConnection, refusal: str) -> None:
        self.refusal = refusal
        super().__init__(conn, refusal)


@dataclass(frozen=True)
class AddressPolicy:
    """Allow everything (``allow_private``), or only public addresses plus ``allow_networks``."""

    allow_private: bool = False
    allow_networks: tuple[IPNetwork, ...] = field(default=())

    @classmethod
    def from_settings(cls, allow_private: bool, allow_networks: str = "") -> AddressPolicy:
        """Build from the settings (``allow_networks`` is a comma-separated list of CIDR networks)."""
        nets = tuple(
            ipaddress.ip_network(part.strip(), strict=False) for part in allow_networks.split(",") if part.strip()
        )
        return cls(allow_private=allow_private, allow_networks=nets)

    def allows(self, address: str) -> bool:
        """Whether the policy allows connecting to this IP address."""
        return self.allow_private or self._why_refused(_normalize(address)) is None

    def check_address(self, address: str) -> None:
        """Raise RefusedTarget unless the policy allows connecting to this IP address."""
        if self.allows(address):
            return
        ip = _normalize(address)
        raise RefusedTarget(f"refused: {ip} is {self._why_refused(ip)}{_how_to_allow(ip)}")

    def resolve(self, host: str, port: int, timeout: float | None = None) -> list[str]:
        """Resolve ``host`` and check every address: the addresses, or RefusedTarget / socket.gaierror
        (LookupTimedOut when the lookup takes longer than ``timeout`` seconds)."""
        host = host.strip("[]")
        infos = _lookup(host, port, timeout)
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:
            if self.allows(address):
                continue
            ip = _normalize(address)
            why = self._why_refused(ip)
            if _is_ip_literal(host):
                raise RefusedTarget(f"refused: {ip} is {why}{_how_to_allow(ip)}")
            raise RefusedTarget(f"refused: {host} resolves to {ip}, {why}{_how_to_allow(ip)}")
        return addresses

    def _why_refused(self, ip: IPAddress) -> str | None:
        """None when ``ip`` may be reached, else what it is in words."""
        if any(ip in net for net in self.allow_networks if net.version == ip.version):
            return None
        for net, what in _SPECIAL:
            if net.version == ip.version and ip in net:
                return what
        if isinstance(ip, ipaddress.IPv6Address):
            carried = _carried_ipv4(ip)
            if carried is not None:
                why = self._why_refused(carried)
                return None if why is None else f"a translation of {carried}, {why}"
            if ip not in _GLOBAL_UNICAST:
                return "not a global unicast address"
        # The standard library's own copy of the registries, as a second opinion.
        return None if ip.is_global else "not a public address"


class LookupTimedOut(socket.gaierror):
    """The resolver did not answer in time (a lookup of its own has no timeout but the resolver's)."""


# getaddrinfo cannot be interrupted, so a lookup that must end in time runs on one of these threads and
# is abandoned (it finishes in the background) when its time is up. Threads start only when needed.
_LOOKUPS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="barometer-dns")


def _lookup(host: str, port: int, timeout: float | None) -> list[Any]:
    if timeout is None or _is_ip_literal(host):
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    future = _LOOKUPS.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        return future.result(timeout=max(0.0, timeout))
    except FutureTimeout:
        future.cancel()  # still queued behind other slow lookups: never run it
        raise LookupTimedOut(socket.EAI_AGAIN, f"looking up {host} took longer than {timeout:g} s") from None


def _how_to_allow(ip: IPAddress) -> str:
    # The dashboard has no command line: name the settings every user can give.
    single = f"{ip}/{ip.max_prefixlen}"
    return (
        f"; to fetch it, set BAROMETER_ALLOW_NETWORKS={single} (or an intranet range) or "
        "BAROMETER_ALLOW_PRIVATE=1 (every address; --allow-private on the command line)"
    )


def _normalize(address: str) -> IPAddress:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    mapped = getattr(ip, "ipv4_mapped", None)
    return mapped or ip


def _carried_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _SIX_TO_FOUR:
        return ip.sixtofour
    return None


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


# --- the connection: check, connect to the checked addresses only, check the peer ----------------


class LookupTimeoutError(ConnectTimeoutError):
    """urllib3's connect timeout, raised when the name lookup itself ran out of time."""


class _VettedConnection(HTTPConnection):
    """Connects only to the addresses its policy allows, and checks the peer; put before urllib3's
    HTTPSConnection in the bases of the HTTPS class, its _new_conn is the one that runs."""

    policy: AddressPolicy = AddressPolicy()

    def _new_conn(self) -> socket.socket:
        # The lookup shares the connect timeout: a resolver that never answers would otherwise hold the
        # fetch for the resolver's own retries, past the fetch deadline.
        timeout = self.timeout if isinstance(self.timeout, int | float) else None
        try:
            addresses = self.policy.resolve(self._dns_host, self.port, timeout)
        except RefusedTarget as err:
            raise RefusedConnection(self, str(err)) from None
        except LookupTimedOut as err:
            raise LookupTimeoutError(self, err.strerror or str(err)) from None
        except socket.gaierror as err:
            raise NameResolutionError(self.host, self, err) from err
        sock = self._connect_to(addresses)
        try:
            self.policy.check_address(sock.getpeername()[0])
        except RefusedTarget as err:
            sock.close()
            raise RefusedConnection(self, str(err)) from None
        except OSError:  # the peer reset the connection before it could be checked
            sock.close()
            raise
        return sock

    def _connect_to(self, addresses: list[str]) -> socket.socket:
        # As urllib3's own _new_conn, but to the addresses just checked, not to a new lookup.
        failure: Exception | None = None
        for address in addresses:
            try:
                return urllib3_connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError:
                failure = ConnectTimeoutError(
                    self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
                )
            except OSError as err:
                failure = NewConnectionError(self, f"Failed to establish a new connection: {err}")
        raise failure or NewConnectionError(self, f"no address for {self.host}")


def make_pool_manager(policy: AddressPolicy, response_class: type | None = None, **kwargs: Any) -> urllib3.PoolManager:
    """A urllib3 PoolManager whose every connection is checked against ``policy`` before and after connecting."""
    extra = {"policy": policy} | ({"response_class": response_class} if response_class else {})
    http_conn = type("PolicyHTTPConnection", (_VettedConnection,), extra)
    https_conn = type("PolicyHTTPSConnection", (_VettedConnection, HTTPSConnection), extra)
    http_pool = type("PolicyHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn})
    https_pool = type("PolicyHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn})
    manager = urllib3.PoolManager(**kwargs)
    manager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}
    return manager
