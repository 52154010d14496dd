"""The secret parts of the accounts' links: an invitation's (an HMAC of the row under the site's
secret key), and the unlock link's (Django's reset token under its own salt, so it is made from
the account's password and last login and ends when either changes (it works until the login it
lets through), and after ``PASSWORD_RESET_TIMEOUT``)."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import salted_hmac

from ita.accounts.models import Invitation

SALT = "ita.accounts.invitation"


def token(invitation: Invitation) -> str:
    """Not stored: computed from the row's id, nonce and address, so the database alone cannot
    forge a link, and a new nonce (the invitation renewed) ends every older one."""
    value = f"{invitation.pk}:{invitation.nonce}:{invitation.email}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:40]


class UnlockTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "ita.accounts.tokens.UnlockTokenGenerator"


unlock_tokens = UnlockTokenGenerator()
