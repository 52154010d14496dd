"""The memos' people, for the measures' tests that attach to a memo too."""

from tests.memos.conftest import org  # noqa: F401
