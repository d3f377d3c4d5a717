"""The address policy: every special-purpose range of the IANA registries is refused, public
addresses are allowed, and the operator's allowlist and ``allow_private`` still open what they name."""

from __future__ import annotations

import ipaddress
import re

import pytest

from pipeline.guard import SPECIAL_PURPOSE, AddressPolicy, RefusedTarget

ROWS = [pytest.param(net, what, id=net) for net, what, _rfc in SPECIAL_PURPOSE]

PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "185.12.64.1",
    "2001:4860:4860::8888",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",  # IPv4-mapped form of a public address
    "64:ff9b::808:808",  # NAT64 of a public address
    "2002:808:808::1",  # 6to4 of a public address
]


def _ends(net: str) -> tuple[str, str]:
    network = ipaddress.ip_network(net)
    return str(network[0]), str(network[-1])


@pytest.mark.parametrize(("net", "what"), ROWS)
def test_first_and_last_address_of_every_special_purpose_range_are_refused(net, what):
    first, last = _ends(net)
    assert not AddressPolicy().allows(first)
    assert not AddressPolicy().allows(last)


@pytest.mark.parametrize(("net", "what"), ROWS)
def test_a_refusal_names_the_most_specific_row(net, what):
    network = ipaddress.ip_network(net)
    rows = (ipaddress.ip_network(row) for row, _w, _r in SPECIAL_PURPOSE)
    narrower = [n for n in rows if n.version == network.version and n.subnet_of(network) and n != network]
    address = next(a for a in (network[0], network[-1]) if not any(a in n for n in narrower))
    with pytest.raises(RefusedTarget) as refused:
        AddressPolicy().check_address(str(address))
    assert str(refused.value).startswith(f"refused: {address} is {what};")


def test_the_registry_table_is_well_formed():
    for net, what, rfc in SPECIAL_PURPOSE:
        assert str(ipaddress.ip_network(net)) == net, net  # exact, no host bits
        assert re.fullmatch(r"RFC \d{3,4}", rfc), rfc
        assert re.match(r"(a|an|the) ", what), what


@pytest.mark.parametrize(
    "address",
    [
        "fec0::1",  # site-local
        "::ffff:0:7f00:1",  # SIIT-translated 127.0.0.1
        "::ffff:0:808:808",  # SIIT-translated, even of a public address
        "4000::1",  # outside 2000::/3, the only block allocated for global unicast
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",
        "64:ff9b::7f00:1",  # NAT64 of loopback
        "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "fe80::1%eth0",  # link-local with a zone id
    ],
)
def test_addresses_that_slipped_through_or_carry_a_private_one_are_refused(address):
    assert AddressPolicy().allows(address) is False


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address):
    assert AddressPolicy().allows(address) is True


@pytest.mark.parametrize(
    "address",
    # the addresses just outside a few ranges: a range drawn too wide would refuse them
    ["100.63.255.255", "100.128.0.0", "198.17.255.255", "198.20.0.0", "172.15.255.255", "172.32.0.0",
     "192.0.1.255", "192.0.3.0", "223.255.255.255", "2001:200::1", "2001:dc8::1", "2620:4f:7fff::1"],
)  # fmt: skip
def test_neighbours_of_the_ranges_are_public(address):
    assert AddressPolicy().allows(address) is True


def test_allow_networks_opens_only_the_networks_named():
    policy = AddressPolicy.from_settings(False, "10.1.0.0/16, fd00::/8")
    assert policy.allows("10.1.2.3") and policy.allows("fd12::1")
    assert policy.allows("::ffff:10.1.0.9")  # the mapped form of an allowed address
    assert policy.allows("64:ff9b::a01:5")  # NAT64 of 10.1.0.5
    assert not policy.allows("10.2.0.1") and not policy.allows("127.0.0.1") and not policy.allows("fc00::1")


@pytest.mark.parametrize(("net", "what"), ROWS)
def test_allow_private_allows_every_range(net, what):
    first, last = _ends(net)
    assert AddressPolicy(allow_private=True).allows(first) and AddressPolicy(allow_private=True).allows(last)


def test_refusal_says_which_settings_allow_the_address():
    """The dashboard has no command line: the message names the settings, and the flag for the CLI."""
    with pytest.raises(RefusedTarget) as refused:
        AddressPolicy().check_address("127.0.0.1")
    assert str(refused.value) == (
        "refused: 127.0.0.1 is a loopback address; to fetch it, set BAROMETER_ALLOW_NETWORKS=127.0.0.1/32 "
        "(or an intranet range) or BAROMETER_ALLOW_PRIVATE=1 (every address; --allow-private on the command line)"
    )
    with pytest.raises(RefusedTarget, match=r"BAROMETER_ALLOW_NETWORKS=fd00::1/128 "):
        AddressPolicy().check_address("fd00::1")


def test_a_refusal_of_a_carried_address_names_both():
    with pytest.raises(RefusedTarget, match=r"^refused: 64:ff9b::a00:1 is a translation of 10\.0\.0\.1, a private"):
        AddressPolicy().check_address("64:ff9b::a00:1")


def test_every_address_a_name_resolves_to_is_checked(monkeypatch):
    """A name with one public and one private address is refused: a connection may use either."""
    import socket

    def fake(host, port, *args, **kwargs):
        assert host == "mixed.example"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in ("93.184.216.34", "10.0.0.7")]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with pytest.raises(RefusedTarget, match=r"^refused: mixed\.example resolves to 10\.0\.0\.7, a private address;"):
        AddressPolicy().resolve("mixed.example", 80)
    assert AddressPolicy(allow_private=True).resolve("mixed.example", 80) == ["93.184.216.34", "10.0.0.7"]
