import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are matched in English here; pages are checked in Thai where it matters."""
    with translation.override("en"):
        yield
