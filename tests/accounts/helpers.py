"""Codes from a TOTP device as its owner's app shows them, and logins as a browser makes them."""

from __future__ import annotations

import re

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN = "/accounts/login/"
FACTOR = "/accounts/second-factor/"
VERIFY = "/accounts/second-factor/verify/"
REMOVE = "/accounts/second-factor/remove/"
RECOVERY = re.compile(r"\b[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}\b")


def code(device: TOTPDevice, offset: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{value:06d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code the device does not take now (none of the codes of the tolerated drift)."""
    taken = {code(device, offset) for offset in range(-2, 3)}
    return next(f"{n:06d}" for n in range(1, 10**6) if f"{n:06d}" not in taken)


def log_in(client, username: str, password: str = "pw", ip: str = "10.0.0.1", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)
