"""Which repository URLs an import may read from: checked as typed, then as resolved.

A user names the URL and the server connects to it, so the URL could point the server
at what only it can reach: its own services, its network's, or a program to run
(svn+ssh:// runs ssh; file:// reads the server's disk). Only http, https and svn URLs
without credentials in them are taken, and every address the host name resolves to must
be public, or in the ini's devjavu.import_allowed_networks.
"""
import ipaddress
import re
import socket
from urllib.parse import urlsplit

MAX_URL_LENGTH = 500
SCHEMES = {"http": 80, "https": 443, "svn": 3690}
# Printable ASCII without blanks, quotes, backslashes or angle brackets: what a URL
# needs, with anything else written %XX.
_URL_CHARACTERS = re.compile(r"[A-Za-z0-9._~:/?#\[\]@!$&()*+,;=%-]+")
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?")


class SourceRefused(ValueError):
    """The URL may not be imported from (message safe to show)."""


def check_url(url: str) -> str:
    """`url` if its form is acceptable, else SourceRefused saying why."""
    if not url:
        raise SourceRefused("Give the URL of the repository to import.")
    if len(url) > MAX_URL_LENGTH:
        raise SourceRefused(f"The URL may have at most {MAX_URL_LENGTH} characters.")
    if not _URL_CHARACTERS.fullmatch(url):
        raise SourceRefused("The URL has characters a URL cannot hold (blanks, control "
                            "characters, quotes): write them %XX-encoded.")
    scheme = url.split(":", 1)[0].lower()
    if scheme not in SCHEMES or not url.lower().startswith(f"{scheme}://"):
        raise SourceRefused("Only http://, https:// and svn:// URLs can be imported "
                            "from (not file://, svn+ssh:// or others).")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise SourceRefused("The URL's host or port is not valid.") from None
    if "@" in parts.netloc:
        raise SourceRefused("Put no user name or password in the URL: give them in the "
                            "fields for them, so that they are not stored.")
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise SourceRefused("A repository URL has no ?query or #fragment.")
    host = parts.hostname or ""
    if not host or not (_HOST.fullmatch(host) or _is_address(host)):
        raise SourceRefused("The URL names no valid host.")
    if port == 0:
        raise SourceRefused("The URL's port is not valid.")
    return url


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _refused_address(address, allowed, own) -> str | None:
    """Why `address` may not be reached, or None if it may."""
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in allowed):
        return None
    if address in own or address.is_unspecified:     # 0.0.0.0 reaches this machine
        return "this server"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_private:
        return "a private address"
    if address.is_multicast or address.is_reserved or not address.is_global:
        return "not a public address"
    return None


def check_addresses(url: str, allowed_networks=(), own_addresses=()) -> list[str]:
    """Resolve the URL's host; SourceRefused unless every address it has may be reached.
    Returns the addresses checked. `own_addresses`: the server's own (its listen
    address), refused even when public."""
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or SCHEMES[parts.scheme.lower()]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise SourceRefused(f"The host {host} cannot be found.") from None
    own = {ipaddress.ip_address(a) for a in own_addresses if _is_address(a)}
    addresses = sorted({info[4][0].split("%", 1)[0] for info in infos})
    for text in addresses:
        why = _refused_address(ipaddress.ip_address(text), allowed_networks, own)
        if why is not None:
            raise SourceRefused(f"{host} is {why} ({text}): this server does not import "
                                "from there.")
    return addresses
