"""A timestamp authority on this machine, for the tests: RFC 3161 over HTTP on 127.0.0.1.

The answers are made by pyHanko's own test timestamper (``DummyTimeStamper``) with a TSA
certificate issued here by a root of our own (extended key usage timeStamping, critical), so
the signing code talks to it exactly as to a real authority: an HTTP POST of a TimeStampReq,
``application/timestamp-reply`` back.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(subject: str, issuer: str, key, signing_key, *, ca: bool) -> x509.Certificate:  # type: ignore[no-untyped-def]
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(signing_key, hashes.SHA256())


@dataclass
class Authority:
    url: str
    root: bytes  # DER of the root the TSA's certificate chains to
    name: str
    requests: list[bytes]


class _Handler(BaseHTTPRequestHandler):
    stamper: DummyTimeStamper
    seen: list[bytes]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.seen.append(body)
        response = self.stamper.request_tsa_response(tsp.TimeStampReq.load(body))
        data = response.dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def running(name: str = "ITA Test TSA") -> Iterator[Authority]:
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = _certificate(f"{name} Root", f"{name} Root", root_key, root_key, ca=True)
    leaf = _certificate(name, f"{name} Root", tsa_key, root_key, ca=False)
    der = serialization.Encoding.DER
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(leaf.public_bytes(der)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(
                der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        certs_to_embed=[asn1_x509.Certificate.load(root.public_bytes(der))],
    )
    seen: list[bytes] = []
    handler = type("Handler", (_Handler,), {"stamper": stamper, "seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Authority(
            url=f"http://127.0.0.1:{server.server_address[1]}/",
            root=root.public_bytes(der),
            name=name,
            requests=seen,
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
