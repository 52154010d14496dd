"""The TOTP second factor (django-otp) and the rule that an organisation may require it of its
signers: one who has no confirmed device is sent to set one up, one whose session is not yet
verified is asked for a code, both before signing."""

from __future__ import annotations

import base64
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ita.history.services import AnyUser
from ita.organisations.models import Organisation


def confirmed_device(user: AnyUser) -> TOTPDevice | None:
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_verified(user: AnyUser) -> bool:
    """This session passed the second factor (django-otp's middleware sets ``is_verified``)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def signing_redirect(user: AnyUser, organisation: Organisation, next_url: str) -> str | None:
    """Where to send a signer before they sign for ``organisation``, or None to go on."""
    if not organisation.signers_need_second_factor or is_verified(user):
        return None
    name = "accounts:otp_verify" if confirmed_device(user) else "accounts:otp_enrol"
    return f"{reverse(name)}?next={quote(next_url)}"


def pending_device(user: AnyUser) -> TOTPDevice:
    """The user's device being set up (not yet confirmed), made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="ITA", confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it typed in (base32, in groups of four)."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an SVG QR code (inline, no script, no style)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
