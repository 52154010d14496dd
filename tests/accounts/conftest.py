"""The real SMTP server and the task queue of tests/ops, for the accounts' mail."""

from tests.ops.conftest import queue, smtp  # noqa: F401
