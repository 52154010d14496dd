"""The history of every write made through the services, written in the same transaction."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """Every kind of change the services record, by the part of the product that makes it."""

    # Organisations and people
    ORGANISATION_CREATE = "organisation.create", _("Organisation created")
    ORGANISATION_EMBLEM = "organisation.emblem", _("Emblem changed")
    ALIAS_ADD = "alias.add", _("Organisation spelling added")
    DISTRICT_ALIAS_ADD = "district_alias.add", _("District spelling added")
    ALIAS_REMOVE = "alias.remove", _("Organisation spelling removed")
    GAZETTEER_LOAD = "gazetteer.load", _("Gazetteer loaded")
    # The method and results
    YEAR_CREATE = "year.create", _("Assessment year created")
    YEAR_CONFIRM = "year.confirm", _("Assessment year's method confirmed")
    YEAR_SCHEME = "year.scheme", _("Assessment year's levels switched")
    YEAR_UNCONFIRM = "year.unconfirm", _("Assessment year's method no longer confirmed")
    YEAR_DELETE = "year.delete", _("Assessment year removed")
    ASSESSMENT_SCORES = "assessment.scores", _("Indicator scores set")
    # Imports
    IMPORT_PREVIEW = "import.preview", _("Import previewed")
    IMPORT_CHECKED = "import.checked", _("Import checked")
    IMPORT_CREATE_ORGANISATION = (
        "import.create_organisation",
        _("Import row to create an organisation"),
    )
    IMPORT_CHOOSE = "import.choose", _("Import's method chosen in its preview")
    IMPORT_DISCARD = "import.discard", _("Import discarded")
    IMPORT_QUEUE = "import.queue", _("Import's apply or revert queued")
    IMPORT_JOB_STOPPED = (
        "import.job_stopped",
        _("Import's apply or revert ended: its worker stopped"),
    )
    IMPORT_APPLY = "import.apply", _("Import applied")
    IMPORT_REVERT = "import.revert", _("Import reverted")
    # The yearly report
    FINDING_CREATE = "finding.create", _("Finding added")
    FINDING_UPDATE = "finding.update", _("Finding edited")
    FINDING_DELETE = "finding.delete", _("Finding deleted")
    OIT_LOAD = "oit.load", _("OIT checklist loaded")
    OIT_STATUSES = "oit.statuses", _("OIT checklist answered")
    MEASURE_CREATE = "measure.create", _("Measure added")
    MEASURE_SUGGEST = "measure.suggest", _("Measure suggested")
    MEASURE_UPDATE = "measure.update", _("Measure edited")
    MEASURE_KEEP = "measure.keep", _("Suggested measure kept")
    MEASURE_DROP = "measure.drop", _("Suggested measure dropped")
    MEASURE_DELETE = "measure.delete", _("Measure deleted")
    MEASURE_PROGRESS = "measure.progress", _("Progress recorded")
    MEASURE_REMINDER_DUE_SOON = "measure.reminder.due_soon", _("Reminder: period ends soon")
    MEASURE_REMINDER_OVERDUE = "measure.reminder.overdue", _("Reminder: overdue")
    REPORT_PUBLISH = "report.publish", _("Report published")
    REPORT_PREPARE = "report.prepare", _("Report prepared from the scores")
    OIT_ITEMS = "oit.items", _("OIT checklist edited")
    OIT_CORRECTIONS = "oit.corrections", _("OIT checklist corrected for the organisation")
    MEASURE_CARRY = "measure.carry", _("Measure carried forward")
    IMPLEMENTATION_DRAFT = "implementation.draft", _("Implementation report drafted")
    IMPLEMENTATION_UPDATE = "implementation.update", _("Implementation report edited")
    IMPLEMENTATION_PUBLISH = "implementation.publish", _("Implementation report published")
    NOTICE_SCORES = "notice.scores", _("Members told their scores arrived")
    NOTICE_READ = "notice.read", _("Notice read")
    # Memos
    MEMO_CHAIN = "memo.chain", _("Sign-off chain configured")
    MEMO_CREATE = "memo.create", _("Memo drafted")
    MEMO_UPDATE = "memo.update", _("Memo edited")
    MEMO_SEND = "memo.send", _("Memo sent")
    MEMO_FORWARD = "memo.forward", _("Memo agreed and sent on")
    MEMO_DECIDE = "memo.decide", _("Memo decided")
    MEMO_RETURN = "memo.return", _("Memo returned")
    MEMO_WITHDRAW = "memo.withdraw", _("Memo withdrawn")
    MEMO_ATTACH = "memo.attach", _("File attached")
    MEMO_DETACH = "memo.detach", _("File removed")
    MEMO_FILE_MISMATCH = "memo.file_mismatch", _("Attachment refused: changed on disk")
    # Accounts (ita.accounts)
    LOGIN = "account.login", _("Logged in")
    LOGIN_FAILED = "account.login_failed", _("Login failed")
    LOGOUT = "account.logout", _("Logged out")
    LOCKOUT = "account.lockout", _("Locked out after failed logins")
    SESSION_EXPIRED = "account.session_expired", _("Session expired")
    PASSWORD_CHANGE = "account.password_change", _("Password changed")
    PASSWORD_RESET_REQUEST = "account.password_reset_request", _("Password reset requested")
    PASSWORD_RESET = "account.password_reset", _("Password reset by e-mail")
    SECOND_FACTOR_ENROL = "account.otp_enrol", _("Second factor set up")
    SECOND_FACTOR_FAILED = "account.otp_failed", _("Second factor code refused")
    SECOND_FACTOR_REPLACE = "account.otp_replace", _("Second factor replaced")
    SECOND_FACTOR_REMOVE = "account.otp_remove", _("Second factor removed")
    SECOND_FACTOR_RESET = "account.otp_reset", _("Second factor reset by an administrator")
    RECOVERY_CODES_ISSUED = "account.recovery_codes", _("Recovery codes issued")
    RECOVERY_CODE_USED = "account.recovery_code_used", _("Recovery code used")
    LOGIN_UNLOCK_REQUEST = "account.unlock_request", _("Unlock link requested")
    LOGIN_UNLOCK = "account.unlock", _("Browser trusted through an unlock link")
    # The organisation's own administration (ita.accounts, ita.administration)
    INVITATION_CREATE = "invitation.create", _("Person invited")
    INVITATION_RENEW = "invitation.renew", _("Invitation sent again")
    INVITATION_CANCEL = "invitation.cancel", _("Invitation cancelled")
    INVITATION_ACCEPT = "invitation.accept", _("Invitation accepted")
    PERSON_UPDATE = "person.update", _("Person's details changed")
    PERSON_DEACTIVATE = "person.deactivate", _("Person deactivated (left)")
    PERSON_REACTIVATE = "person.reactivate", _("Person reactivated")
    # Admin edits (before and after in the details)
    ORGANISATION_UPDATE = "organisation.update", _("Organisation edited")
    ORGANISATION_DELETE = "organisation.delete", _("Organisation deleted")
    ORGANISATION_SECOND_FACTOR = "organisation.second_factor", _("Signers' second factor set")
    OPERATOR_GRANT = "operator.grant", _("Made an operator of the site")
    OPERATOR_REVOKE = "operator.revoke", _("No longer an operator of the site")
    POSITION_CREATE = "position.create", _("Position added")
    POSITION_UPDATE = "position.update", _("Position edited")
    POSITION_DELETE = "position.delete", _("Position deleted")
    ACTING_CREATE = "acting.create", _("Acting appointment added")
    ACTING_UPDATE = "acting.update", _("Acting appointment edited")
    ACTING_DELETE = "acting.delete", _("Acting appointment deleted")
    ASSESSMENT_CREATE = "assessment.create", _("Result added")
    ASSESSMENT_UPDATE = "assessment.update", _("Result edited")
    ASSESSMENT_DELETE = "assessment.delete", _("Result deleted")
    SCORE_CREATE = "score.create", _("Indicator score added")
    SCORE_UPDATE = "score.update", _("Indicator score edited")
    SCORE_DELETE = "score.delete", _("Indicator score deleted")
    # Operations
    TASK_RETRY = "task.retry", _("Background task retried")
    MEMO_ARCHIVE = "memo.archive", _("Decided memo's PDF stored")
    MEMO_CERTIFICATE = "memo.certificate", _("Signing certificate changed")


class Event(models.Model):
    """One write made through the services: who did what, when, to what, from which state."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # One of ``EventKind`` (``event_record`` refuses any other): not the column's choices, so a
    # new kind needs no migration of the history.
    action = models.CharField(_("action"), max_length=60)
    # The organisation the change belongs to (none for the method, years and imports, which
    # are the country's): its members' history is one indexed lookup.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object"), max_length=40, blank=True)
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["organisation", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"

    @property
    def action_label(self) -> str:
        """The kind as people read it (a kind no longer made keeps its code)."""
        return str(EventKind(self.action).label) if self.action in EventKind.values else self.action


class Publication(models.Model):
    """The version of the published data: one row, bumped in the transaction of every change
    to what the public pages show (``ita.history.published``). Public pages are cached under
    it, so a change is seen on every server at the next request."""

    version = models.BigIntegerField(_("version"), default=1)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("version of the published data")
        verbose_name_plural = _("version of the published data")

    def __str__(self) -> str:
        return f"{self.version} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
