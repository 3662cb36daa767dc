"""Download one file of the old site, as ``import_wordpress --fetch-media`` does, without being turned on ourselves.

An export is a file somebody uploaded: every address in it is untrusted. A download here
runs on the newsroom's server, inside its network, so an ``<wp:attachment_url>`` naming
``http://169.254.169.254/…`` (a cloud's metadata service), ``http://10.0.0.5/admin`` or
``http://localhost:6379/`` must not make the server read it (server-side request forgery).
What ``fetch`` does about it:

- only ``http`` and ``https``;
- the host is resolved once, every address it resolves to is checked (a public, unicast
  address: no private, loopback, link-local, multicast, reserved or unspecified one, IPv4
  inside IPv6 included), and the connection goes to the address checked, never to a new
  lookup of the name (a DNS server answering « public » then « private » — DNS rebinding —
  gains nothing); HTTPS still checks the certificate against the name;
- redirects are followed by hand, a few at most, each new address checked the same way;
- the size is bounded (the caller gives the library's limit: reading stops past it, whatever
  Content-Length said) and so is the time: connect and read timeouts, and a total deadline
  per file after which the socket is shut from a timer (a server dripping one byte a
  second would otherwise never hit the read timeout).

Standard library only (http.client over a socket we open): nothing to add to requirements.
Failures raise ``FetchError`` with a French message for the import's report.
"""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.utils.translation import gettext as _

from documents.sizes import human_size

USER_AGENT = "newsroom-wordpress-import/1.0 (+import_wordpress --fetch-media)"
CHUNK = 64 * 1024
REDIRECTS = {301, 302, 303, 307, 308}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class FetchError(Exception):
    """The file could not be had; the message (French) says why, for the report."""


@dataclass
class FetchPolicy:
    max_bytes: int
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 300.0  # seconds for the whole file, redirects included
    max_redirects: int = 5
    # Networks allowed although not public: empty in production; the tests' local server is on 127.0.0.1.
    allowed_networks: tuple[Network, ...] = ()
    resolve: Callable[[str, int], Iterable[str]] | None = None  # host, port → addresses (tests stand in a DNS)
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)


def refused_address(address: str, allowed: Iterable[Network] = ()) -> bool:
    """Whether a connection to this IP address must not be made: anything but a public unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # « ::ffff:127.0.0.1 » is 127.0.0.1
    if any(ip in network for network in allowed if network.version == ip.version):
        return False
    return (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _system_resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(_("nom de serveur introuvable (%(host)s)") % {"host": host}) from error
    return list(dict.fromkeys(info[4][0] for info in infos))


def checked_addresses(host: str, port: int, policy: FetchPolicy) -> list[str]:
    """The host's addresses, all checked: one refused address refuses the host (it may be the one used)."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    addresses = [str(literal)] if literal is not None else list((policy.resolve or _system_resolve)(host, port))
    if not addresses:
        raise FetchError(_("nom de serveur introuvable (%(host)s)") % {"host": host})
    for address in addresses:
        if refused_address(address, policy.allowed_networks):
            raise FetchError(
                _("adresse refusée : %(host)s mène à %(address)s, une adresse privée ou réservée")
                % {"host": host, "address": address}
            )
    return addresses


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP connection to an address already checked, whatever the name in the URL resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float, connect_timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address, self.connect_timeout = address, connect_timeout

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), timeout=self.connect_timeout)
        self.sock.settimeout(self.timeout)


class _PinnedHTTPSConnection(_PinnedConnection):
    def __init__(self, *args, context: ssl.SSLContext, **kwargs):
        super().__init__(*args, **kwargs)
        self.context = context

    def connect(self):
        super().connect()
        # The certificate is checked against the name, not the address connected to.
        self.sock = self.context.wrap_socket(self.sock, server_hostname=self.host)


def fetch(url: str, destination: Path, policy: FetchPolicy) -> int:
    """Download ``url`` into ``destination``; its size. ``FetchError`` (French) on any refusal or failure."""
    started = time.monotonic()
    for _hop in range(policy.max_redirects + 1):
        remaining = policy.deadline - (time.monotonic() - started)
        if remaining <= 0:
            raise FetchError(_("délai dépassé (%(seconds)s s)") % {"seconds": int(policy.deadline)})
        location = _get(url, destination, policy, remaining)
        if location is None:
            return destination.stat().st_size
        url = location
    raise FetchError(_("trop de redirections"))


def _get(url: str, destination: Path, policy: FetchPolicy, remaining: float) -> str | None:
    """One request: None once the file is written, or the address a redirect leads to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(_("adresse refusée : seuls http et https sont permis (%(url)s)") % {"url": url[:200]})
    try:
        host, port = parts.hostname, parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:  # a port that is not a number
        raise FetchError(_("adresse illisible (%(url)s)") % {"url": url[:200]}) from error
    if not host:
        raise FetchError(_("adresse illisible (%(url)s)") % {"url": url[:200]})
    addresses = checked_addresses(host, port, policy)
    timeout = min(policy.read_timeout, remaining)
    connect_timeout = min(policy.connect_timeout, remaining)
    if scheme == "https":
        context = policy.ssl_context or ssl.create_default_context()
        connection = _PinnedHTTPSConnection(host, port, addresses[0], timeout, connect_timeout, context=context)
    else:
        connection = _PinnedConnection(host, port, addresses[0], timeout, connect_timeout)
    expired = threading.Event()

    def cut():
        expired.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(remaining, cut)
    timer.daemon = True
    timer.start()
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(
            "GET", path, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity", "Accept": "*/*"}
        )
        response = connection.getresponse()
        if response.status in REDIRECTS:
            location = response.getheader("Location")
            if not location:
                raise FetchError(_("redirection sans adresse (HTTP %(status)s)") % {"status": response.status})
            return urljoin(url, location.strip())
        if response.status != 200:
            raise FetchError(_("le serveur a répondu HTTP %(status)s") % {"status": response.status})
        _save(response, destination, policy.max_bytes, expired)
        return None
    except FetchError:
        raise
    except TimeoutError as error:
        raise FetchError(_("délai dépassé")) from error
    except (OSError, http.client.HTTPException, ssl.SSLError) as error:
        if expired.is_set():
            raise FetchError(_("délai dépassé (%(seconds)s s)") % {"seconds": int(policy.deadline)}) from error
        raise FetchError(_("échec du téléchargement : %(error)s") % {"error": error or type(error).__name__}) from error
    finally:
        timer.cancel()
        connection.close()


def _save(response: http.client.HTTPResponse, destination: Path, max_bytes: int, expired: threading.Event) -> None:
    too_big = _("fichier trop lourd (plus de %(limit)s)") % {"limit": human_size(max_bytes)}
    declared = response.getheader("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > max_bytes:
        raise FetchError(too_big)
    written = 0
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        with destination.open("wb") as output:
            while True:
                # read1: at most one read of the socket, so that the deadline is looked at between reads.
                chunk = response.read1(CHUNK)
                if not chunk:
                    break
                written += len(chunk)
                if written > max_bytes:
                    raise FetchError(too_big)
                if expired.is_set():
                    raise FetchError(_("délai dépassé"))
                output.write(chunk)
        if expired.is_set():
            raise FetchError(_("délai dépassé"))
        length = response.getheader("Content-Length")
        if length and length.strip().isdigit() and written != int(length):
            raise FetchError(_("fichier incomplet (connexion coupée)"))
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
