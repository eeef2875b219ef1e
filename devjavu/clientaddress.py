"""The address a request comes from, as the sign-in limit and the audit log record it.

The connection's own address (REMOTE_ADDR), unless it is one of the proxies the ini's
`devjavu.trusted_proxies` names: then the right-most address in X-Forwarded-For that is
not a trusted proxy. Everything left of that was written by the client, which would
otherwise pick the address its guesses are counted under.
"""
import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted_proxies(text: str) -> tuple[Network, ...]:
    """Addresses and networks (CIDR) separated by blanks or commas; ValueError names a
    bad one."""
    networks = []
    for item in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{item!r} is not an address or network (e.g. 10.0.0.5, "
                             f"10.0.0.0/24, ::1)") from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, proxies: Iterable[Network]) -> bool:
    return any(address in network for network in proxies)


def client_address(environ, trusted_proxies: tuple[Network, ...] = ()) -> str:
    """The client's address for this WSGI (or mod_wsgi auth provider) environ."""
    peer = _address(environ.get("REMOTE_ADDR", ""))
    if peer is None:
        return ""
    if not _trusted(peer, trusted_proxies):
        return peer.compressed
    # Each trusted proxy appended the address it was connected from; walk back through
    # them. A hop that is not an address ends the walk at the proxy that passed it on.
    forwarded = environ.get("HTTP_X_FORWARDED_FOR", "").split(",")
    nearest = peer
    for entry in reversed(forwarded):
        hop = _address(entry)
        if hop is None:
            break
        nearest = hop
        if not _trusted(hop, trusted_proxies):
            break
    return nearest.compressed
