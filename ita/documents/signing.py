"""Electronic signatures on the official PDFs (PAdES, with pyHanko): sign, check, make a test key.

Plain bytes in and out, no models: ``memos.signing`` keeps an organisation's certificate and
``memos.archive`` signs the decided memo with it. A signature is added as an incremental update
(``IncrementalPdfFileWriter``): the rendered bytes stay as they were, byte for byte, in front of
the signature, so a PDF/A file stays PDF/A.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import logging
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

logger = logging.getLogger(__name__)
# X.520 allows a name 64 characters long; cryptography counts UTF-8 bytes (a Thai letter takes
# three) and warns on every parse of a Thai organisation's name. The name is right.
warnings.filterwarnings("ignore", message="Attribute's length must be", category=UserWarning)

# The name every test certificate carries, so nobody takes it for the organisation's own.
TEST_ONLY = "(ทดสอบ/TEST ONLY)"
SIGNATURE_FIELD = "MemoSignature"

T = TypeVar("T")


def _outside_event_loop(fn: Callable[[], T]) -> T:
    """Run ``fn`` here, or in a thread of its own when this thread runs an event loop: pyHanko's
    synchronous calls start one with ``asyncio.run``, which refuses inside a running loop (an
    ASGI server, a browser test's driver)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


class CertificateError(ValueError):
    """A certificate file cannot be used; ``code`` says why (the page words it in Thai)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Credentials:
    """A private key and its certificate (with the chain above it, when given)."""

    key: PrivateKeyTypes  # as a PKCS#12 file holds it
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()

    @property
    def subject(self) -> str:
        return name_text(self.certificate.subject)

    @property
    def issuer(self) -> str:
        return name_text(self.certificate.issuer)

    @property
    def fingerprint(self) -> str:
        return self.certificate.fingerprint(hashes.SHA256()).hex()

    @property
    def self_signed(self) -> bool:
        return self.certificate.subject == self.certificate.issuer

    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def pkcs12(self, password: bytes) -> bytes:
        """The key and certificates as a PKCS#12 file encrypted with ``password`` (AES-256)."""
        return pkcs12.serialize_key_and_certificates(
            b"memo-signing",
            self.key,  # type: ignore[arg-type]  # a signing key: never DH or X25519
            self.certificate,
            list(self.chain) or None,
            serialization.BestAvailableEncryption(password),
        )


def name_text(name: x509.Name) -> str:
    """The common name, or the whole name when there is none."""
    common = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(common[0].value) if common else name.rfc4514_string()


def load_pkcs12(data: bytes, password: bytes, *, now: dt.datetime | None = None) -> Credentials:
    """The credentials in a PKCS#12 file, checked: readable, with a key, valid today.

    Raises ``CertificateError`` with ``code`` one of ``not_pkcs12``, ``password``, ``no_key``,
    ``expired``, ``not_yet_valid``, ``key_mismatch``.
    """
    if not data:
        raise CertificateError("not_pkcs12")
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, password or None)
    except ValueError as error:
        text = str(error).lower()
        # cryptography says "Invalid password or PKCS12 data": a file that parses as PKCS#12
        # (an ASN.1 PFX) with a wrong password, or not PKCS#12 at all. Tell them apart.
        if "password" in text and _looks_like_pfx(data):
            raise CertificateError("password") from None
        raise CertificateError("not_pkcs12", str(error)) from None
    except Exception as error:  # any other parse failure of a file that is not PKCS#12
        raise CertificateError("not_pkcs12", str(error)) from None
    if key is None or certificate is None:
        raise CertificateError("no_key")
    public = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public != key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise CertificateError("key_mismatch")
    now = now or dt.datetime.now(dt.UTC)
    if certificate.not_valid_after_utc < now:
        raise CertificateError("expired", certificate.not_valid_after_utc.date().isoformat())
    if certificate.not_valid_before_utc > now:
        raise CertificateError("not_yet_valid", certificate.not_valid_before_utc.date().isoformat())
    return Credentials(key=key, certificate=certificate, chain=tuple(chain))


def _looks_like_pfx(data: bytes) -> bool:
    """Whether ``data`` is a PKCS#12 structure (so a failure to open it is the password)."""
    from asn1crypto import pkcs12 as asn1_pkcs12  # noqa: PLC0415 (a rarely used parser)

    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        pfx["auth_safe"]["content_type"].native  # noqa: B018 (parses the structure)
    except Exception:
        return False
    return True


def make_test_credentials(
    name: str, *, days: int = 3650, now: dt.datetime | None = None
) -> Credentials:
    """A self-signed certificate for a test or a demo, named ``<name> (ทดสอบ/TEST ONLY)``."""
    now = now or dt.datetime.now(dt.UTC)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            # X.520 allows 64 characters; cryptography counts UTF-8 bytes (see above).
            x509.NameAttribute(NameOID.COMMON_NAME, f"{name} {TEST_ONLY}", _validate=False),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name or "ITA", _validate=False),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "TH"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return Credentials(key=key, certificate=certificate)


def _asn1_cert(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


# PAdES baseline levels (ETSI EN 319 142-1): B-B a signature; B-T with a timestamp from a
# timestamp authority proving when; B-LT with the data to validate it once the certificate has
# expired (its chain and revocation data, in the document's security store).
B_B, B_T, B_LT = "B-B", "B-T", "B-LT"


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    level: str


@dataclass(frozen=True)
class TimestampAuthority:
    """An RFC 3161 timestamp authority: its URL, and the certificates it chains to (DER), which
    let the validation data be embedded (B-LT); ``fetch`` lets pyHanko fetch revocation data."""

    url: str
    roots: tuple[bytes, ...] = ()
    fetch: bool = False
    timeout: int = 10


def sign_pdf(
    pdf: bytes, credentials: Credentials, *, reason: str = "", location: str = ""
) -> bytes:
    """``pdf`` with an invisible PAdES-B-B signature appended as an incremental update."""
    return sign_document(pdf, credentials, reason=reason, location=location).pdf


def sign_document(
    pdf: bytes,
    credentials: Credentials,
    *,
    reason: str = "",
    location: str = "",
    authority: TimestampAuthority | None = None,
) -> Signed:
    """``pdf`` signed (an incremental update): B-B without an authority; with one, B-T (the
    signature timestamped), and B-LT when the signer's chain and the authority's validate here
    (their certificates and revocation data embedded). A timestamp that cannot be had raises
    ``pyhanko.sign.timestamps.TimestampRequestError``: the caller retries later."""
    if authority is None:
        return Signed(_signed(pdf, credentials, reason, location, None, None), B_B)
    timestamper = HTTPTimeStamper(authority.url, timeout=authority.timeout)
    chain = [_asn1_cert(c) for c in (credentials.certificate, *credentials.chain)]
    context = ValidationContext(
        trust_roots=[chain[-1], *(asn1_x509.Certificate.load(r) for r in authority.roots)],
        other_certs=chain,
        allow_fetching=authority.fetch,
        revocation_mode="hard-fail" if authority.fetch else "soft-fail",
    )
    if authority.roots:
        try:
            return Signed(_signed(pdf, credentials, reason, location, timestamper, context), B_LT)
        except (ValueError, LookupError, PdfError, SigningError) as error:
            # The chain does not validate here (a CA whose revocation data cannot be had):
            # the signature is still timestamped.
            logger.warning("validation data not embedded (B-T only): %s", error)
    return Signed(_signed(pdf, credentials, reason, location, timestamper, None), B_T)


def _signed(
    pdf: bytes,
    credentials: Credentials,
    reason: str,
    location: str,
    timestamper: HTTPTimeStamper | None,
    context: ValidationContext | None,
) -> bytes:
    key_der = credentials.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(credentials.certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in credentials.chain]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=credentials.subject,
        embed_validation_info=context is not None,
        validation_context=context,
    )
    writer = _writer(pdf)
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper)
    out = _outside_event_loop(lambda: pdf_signer.sign_pdf(writer))
    return out.getvalue()


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    """pyHanko's writer for ``pdf``, its Info dictionary naming pyHanko as the producer.

    Each update pyHanko writes (the signature, then the validation data) sets the XMP's
    pdf:Producer to pyHanko's name alone but appends that name to the Info's /Producer
    ("WeasyPrint 70.0; pyHanko 0.38.0"): the two would differ, which PDF/A forbids (ISO 19005-2
    6.6.2.3.1), and every signed document of record would fail validation. With the Info saying
    pyHanko's name already, pyHanko leaves it as it is and both say the same.
    """
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    if "/Info" in writer.trailer:
        info = generic.DictionaryObject(dict(writer.trailer["/Info"].items()))
        info[generic.NameObject("/Producer")] = generic.TextStringObject(VENDOR)
        writer.set_info(info)
    return writer


@dataclass(frozen=True)
class SignatureCheck:
    """One embedded signature as pyHanko validates it against the given trust roots."""

    field: str
    signer: str
    signed_at: dt.datetime | None
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature is right
    trusted: bool  # the signer's certificate chains to a trust root
    whole_file: bool  # nothing was added after the signature (or only allowed updates)
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.whole_file


def covers_whole_file(status: object) -> bool:
    """Nothing was added after the signature but what keeps it verifiable: validation data and
    document timestamps (PAdES B-LT and LTA add them as updates after the signature)."""
    coverage = getattr(status, "coverage", None)
    if coverage is None:
        return False
    if coverage.name == "ENTIRE_FILE":
        return True
    level = getattr(status, "modification_level", None)
    return coverage.name == "ENTIRE_REVISION" and level is not None and level.name == "LTA_UPDATES"


def check_signatures(pdf: bytes, trust_roots: list[bytes]) -> list[SignatureCheck]:
    """Every signature in ``pdf`` checked against ``trust_roots`` (DER certificates).

    Raises ``ValueError`` for a file pyHanko cannot read as a PDF.
    """
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as error:
        raise ValueError(f"not a readable PDF: {error}") from None
    roots = [asn1_x509.Certificate.load(der) for der in trust_roots]
    checks = []
    for signature in embedded:
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        try:
            status = _outside_event_loop(
                lambda: validate_pdf_signature(signature, context)  # noqa: B023
            )
        except Exception as error:  # a damaged signature: reported as not valid
            logger.info("signature check failed: %s", error)
            checks.append(
                SignatureCheck(
                    field=signature.field_name,
                    signer="",
                    signed_at=None,
                    intact=False,
                    valid=False,
                    trusted=False,
                    whole_file=False,
                )
            )
            continue
        checks.append(
            SignatureCheck(
                field=signature.field_name,
                signer=status.signing_cert.subject.native.get("common_name", "")
                if status.signing_cert is not None
                else "",
                signed_at=status.signer_reported_dt,
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                whole_file=covers_whole_file(status),
            )
        )
    return checks


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
