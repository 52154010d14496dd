"""The organisation's signing certificate: uploaded by its clerk, kept protected, used at decisions.

The PKCS#12 file a clerk uploads is opened with its password once, checked
(``ita.documents.signing.load_pkcs12``) and stored re-encrypted (PKCS#12, AES-256) with a
password derived from SECRET_KEY (HKDF, per organisation): the uploaded password is not kept, the
key never leaves the server, and no page shows it. A key stored under an earlier SECRET_KEY still
opens while that key is listed in SECRET_KEY_FALLBACKS.
"""

from __future__ import annotations

import base64
import datetime as dt

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ita.documents import signing
from ita.history.models import EventKind
from ita.history.services import Actor, AnyUser, event_record
from ita.organisations.models import Organisation
from memos import access
from memos.models import SigningCertificate

# What the upload page says for each reason a file is refused.
ERRORS = {
    "not_pkcs12": lambda: _(
        "The file is not a PKCS#12 certificate (.p12 or .pfx) with its private key."
    ),
    "password": lambda: _("The password does not open this certificate file."),
    "no_key": lambda: _("The file holds no private key: export the certificate with its key."),
    "key_mismatch": lambda: _("The private key in the file does not belong to its certificate."),
    "expired": lambda: _("The certificate expired on %(date)s."),
    "not_yet_valid": lambda: _("The certificate is valid only from %(date)s."),
}


def _password(organisation_id: int, secret: str) -> bytes:
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"ita memo signing key, organisation {organisation_id}".encode(),
    ).derive(secret.encode("utf-8"))
    return base64.urlsafe_b64encode(derived)


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def credentials_of(organisation: Organisation) -> signing.Credentials | None:
    """The organisation's key and certificate, or None without one (or one that cannot open)."""
    row = SigningCertificate.objects.filter(organisation=organisation).first()
    if row is None:
        return None
    for secret in _secrets():
        try:
            return signing.load_pkcs12(
                bytes(row.protected_key),
                _password(organisation.pk, secret),
                now=row.not_before + dt.timedelta(seconds=1),
            )
        except signing.CertificateError:
            continue
    return None


def error_message(error: signing.CertificateError) -> str:
    text = ERRORS.get(error.code, ERRORS["not_pkcs12"])()
    return text % {"date": error.detail} if "%(date)s" in text else text


@transaction.atomic(durable=True)
def certificate_set(
    *, organisation: Organisation, data: bytes, password: str, actor: AnyUser
) -> SigningCertificate:
    """Check the PKCS#12 file and keep it (re-encrypted) as the organisation's certificate.

    Only its administrators (``memos.access.administers``); a file refused changes nothing.
    """
    reason = access.administrator_refusal(actor, organisation)
    if reason:
        raise PermissionDenied(reason)
    try:
        credentials = signing.load_pkcs12(data, password.encode("utf-8"))
    except signing.CertificateError as error:
        raise ValidationError(error_message(error), code=error.code) from None
    return _store(organisation, credentials, actor)


def _store(
    organisation: Organisation, credentials: signing.Credentials, actor: Actor
) -> SigningCertificate:
    certificate = credentials.certificate
    row = SigningCertificate.objects.filter(organisation=organisation).first()
    before = row.fingerprint if row else ""
    row = row or SigningCertificate(organisation=organisation)
    row.protected_key = credentials.pkcs12(_password(organisation.pk, settings.SECRET_KEY))
    row.certificate = credentials.der()
    row.subject = credentials.subject[:300]
    row.issuer = credentials.issuer[:300]
    row.fingerprint = credentials.fingerprint
    row.not_before = certificate.not_valid_before_utc
    row.not_after = certificate.not_valid_after_utc
    row.self_signed = credentials.self_signed
    row.uploaded_by = actor if actor is not None and actor.is_authenticated else None
    row.save()
    event_record(
        actor=actor,
        action=EventKind.MEMO_CERTIFICATE,
        organisation_id=organisation.pk,
        obj=row,
        comment=row.subject,
        data={"before": before, "after": row.fingerprint},
    )
    return row


@transaction.atomic(durable=True)
def certificate_remove(*, organisation: Organisation, actor: AnyUser) -> None:
    """Remove the certificate: memos decided from now on are stored unsigned."""
    reason = access.administrator_refusal(actor, organisation)
    if reason:
        raise PermissionDenied(reason)
    row = SigningCertificate.objects.filter(organisation=organisation).first()
    if row is None:
        return
    event_record(
        actor=actor,
        action=EventKind.MEMO_CERTIFICATE,
        organisation_id=organisation.pk,
        obj=row,
        comment=row.subject,
        data={"before": row.fingerprint, "after": ""},
    )
    row.delete()


@transaction.atomic
def install_credentials(
    *, organisation: Organisation, credentials: signing.Credentials, actor: Actor = None
) -> SigningCertificate:
    """Install credentials made here (``make_signing_certificate``, the demo): a command of the
    server's operator, not a page, so no member's permission is asked."""
    return _store(organisation, credentials, actor)
