"""What the fault suite does to real servers beyond tests/targets' helpers.

A broker whose password an administrator changes, a private certificate
authority that Home Assistant trusts (as ``REQUESTS_CA_BUNDLE`` makes it do
in production), and a port that accepts connections and closes them without
a word.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime, timedelta
import ipaddress
from pathlib import Path
import ssl
import subprocess
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from homeassistant.util import ssl as ssl_util
from tests.targets.http_servers import server_context
from tests.targets.mosquitto_server import MosquittoServer, _binary


class Broker(MosquittoServer):
    """Mosquitto whose password can be changed while clients are connected."""

    def change_password(self, password: str) -> None:
        """Set the password of :attr:`username` and restart, as an administrator would.

        The restart drops every client; only the new password logs in again.
        """
        subprocess.run(
            [
                _binary("mosquitto_passwd"),
                "-b",
                str(self._directory / "passwd"),
                self.username,
                password,
            ],
            check=True,
            capture_output=True,
        )
        self.stop()
        self.start()


class CertificateAuthority:
    """A private CA: certificates it signs verify once Home Assistant trusts it."""

    def __init__(self, directory: Path) -> None:
        """Create the CA's key and self-signed root certificate."""
        self._directory = directory
        self._key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fault suite CA")])
        now = datetime.now(UTC)
        self._name = name
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self._key.public_key()),
                critical=False,
            )
            .sign(self._key, hashes.SHA256())
        )

    @property
    def pem(self) -> str:
        """Return the root certificate in PEM."""
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def server_context(self, name: str = "signed") -> ssl.SSLContext:
        """Return a server context with a certificate for 127.0.0.1 signed by the CA."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
            )
            .issuer_name(self._name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=90))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            # Python's strict verification wants the chain spelled out.
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self._key.public_key()
                ),
                critical=False,
            )
            .add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                critical=False,
            )
            .sign(self._key, hashes.SHA256())
        )
        return server_context(self._directory, name, certificate, key)

    def trust_in_home_assistant(self) -> None:
        """Add the CA to every verifying client context Home Assistant shares.

        Home Assistant builds these contexts once, from ``REQUESTS_CA_BUNDLE``
        or certifi; adding the CA to them is what that variable does for a
        private CA. Other certificates stay untrusted.
        """
        for context in _shared_verifying_contexts():
            context.load_verify_locations(cadata=self.pem)


def _shared_verifying_contexts() -> list[ssl.SSLContext]:
    """Return Home Assistant's verifying client contexts (both lanes' layouts)."""
    candidates: list[Any] = list(vars(ssl_util).values())
    candidates.append(ssl_util.get_default_context())
    candidates.append(ssl_util.client_context())
    # Newer versions keep a context per cipher list and ALPN protocol.
    for name, alpn in vars(ssl_util).items():
        if name.startswith("SSL_ALPN"):
            with suppress(TypeError, ValueError, KeyError):
                candidates.append(
                    ssl_util.client_context(ssl_util.SSLCipherList.PYTHON_DEFAULT, alpn)  # type: ignore[call-arg]
                )
    found: dict[int, ssl.SSLContext] = {}
    for context in _verifying_contexts(candidates):
        found[id(context)] = context
    return list(found.values())


def _verifying_contexts(values: Any) -> list[ssl.SSLContext]:
    found: list[ssl.SSLContext] = []
    for value in values:
        if isinstance(value, ssl.SSLContext):
            if value.verify_mode == ssl.CERT_REQUIRED:
                found.append(value)
        elif isinstance(value, dict):
            found.extend(_verifying_contexts(value.values()))
    return found


@asynccontextmanager
async def closing_connections(port: int) -> AsyncIterator[None]:
    """Accept connections on ``port`` and close each at once, answering nothing."""

    async def hang_up(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", port)
    try:
        yield
    finally:
        server.close()
        await server.wait_closed()


@asynccontextmanager
async def tcp_listener() -> AsyncIterator[int]:
    """Accept TCP connections on a free loopback port; yield the port."""

    async def hang_up(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()
        await server.wait_closed()
