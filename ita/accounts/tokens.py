"""The secret part of an invitation's link: an HMAC of the row under the site's secret key."""

from __future__ import annotations

from django.utils.crypto import salted_hmac

from ita.accounts.models import Invitation

SALT = "ita.accounts.invitation"


def token(invitation: Invitation) -> str:
    """Not stored: computed from the row's id, nonce and address, so the database alone cannot
    forge a link, and a new nonce (the invitation renewed) ends every older one."""
    value = f"{invitation.pk}:{invitation.nonce}:{invitation.email}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:40]
