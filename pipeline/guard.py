"""Which network targets a fetch may reach: refuse private, loopback, link-local and other non-public ones.

Two layers, the way trafilatura's SSRF protection works: before connecting, every hop's host is
resolved and each address checked (this gives the user a clear reason); after connecting, the
address the socket really reached is checked again, so a name that resolves differently the
second time (DNS rebinding) cannot slip through. Unlike trafilatura's check, ours takes an operator
allowlist of networks (intranet use, and tests that redirect from one loopback address to another).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedTarget(Exception):
    """A target the policy refuses; the message says which address and why."""


@dataclass(frozen=True)
class AddressPolicy:
    """Allow everything (``allow_private``), or only public addresses plus ``allow_networks``."""

    allow_private: bool = False
    allow_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = field(default=())

    @classmethod
    def from_settings(cls, allow_private: bool, allow_networks: str = "") -> AddressPolicy:
        """Build from the settings (``allow_networks`` is a comma-separated list of CIDR networks)."""
        nets = tuple(
            ipaddress.ip_network(part.strip(), strict=False) for part in allow_networks.split(",") if part.strip()
        )
        return cls(allow_private=allow_private, allow_networks=nets)

    def allows(self, address: str) -> bool:
        """Whether the policy allows connecting to this IP address."""
        if self.allow_private:
            return True
        ip = _normalize(address)
        if any(ip in net for net in self.allow_networks if net.version == ip.version):
            return True
        # Multicast ranges count as "global" in the ipaddress module, but are never a web server.
        public = ip.is_global and not ip.is_multicast
        # An IPv6 address may carry an IPv4 one (NAT64, 6to4, Teredo, IPv4-compatible) that a
        # gateway would reach: that one must be public too.
        embedded = _embedded_ipv4(ip)
        return public and (embedded is None or self.allows(str(embedded)))

    def check_address(self, address: str) -> None:
        """Raise RefusedTarget unless the policy allows connecting to this IP address."""
        if self.allows(address):
            return
        ip = _normalize(address)
        raise RefusedTarget(f"refused: {ip} is {_describe(ip)} (fetching it needs --allow-private)")

    def check_host(self, host: str, port: int) -> None:
        """Resolve ``host`` and check every address; raise RefusedTarget or OSError ("host not found")."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as err:
            raise OSError(f"host not found: {host}") from err
        if self.allow_private:
            return
        for info in infos:
            address = str(info[4][0])
            if self.allows(address):
                continue
            ip = _normalize(address)
            if _is_ip_literal(host):
                raise RefusedTarget(f"refused: {ip} is {_describe(ip)} (fetching it needs --allow-private)")
            raise RefusedTarget(
                f"refused: {host} resolves to {ip}, {_describe(ip)} (fetching it needs --allow-private)"
            )


def _normalize(address: str) -> IPAddress:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    mapped = getattr(ip, "ipv4_mapped", None)
    return mapped or ip


_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in net for net in (*_NAT64, _IPV4_COMPATIBLE)):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _describe(ip: IPAddress) -> str:
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    return "not a public address"


# --- connection-level check (after connect: the peer the socket really reached) -------------


def _vetted(base: type[HTTPConnection]) -> type[HTTPConnection]:
    class Vetted(base):  # type: ignore[misc, valid-type]
        policy: AddressPolicy = AddressPolicy()

        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            try:
                self.policy.check_address(sock.getpeername()[0])
            except RefusedTarget as err:
                sock.close()
                raise urllib3.exceptions.NewConnectionError(self, str(err)) from err
            return sock

    return Vetted


def make_pool_manager(policy: AddressPolicy, **kwargs: Any) -> urllib3.PoolManager:
    """A urllib3 PoolManager whose every connection is checked against ``policy`` after connecting."""
    http_conn = type("PolicyHTTPConnection", (_vetted(HTTPConnection),), {"policy": policy})
    https_conn = type("PolicyHTTPSConnection", (_vetted(HTTPSConnection),), {"policy": policy})
    http_pool = type("PolicyHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn})
    https_pool = type("PolicyHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn})
    manager = urllib3.PoolManager(**kwargs)
    manager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}
    return manager
