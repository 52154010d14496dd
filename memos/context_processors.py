from functools import cache

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from memos.selectors import nav_counts


def navigation(request: HttpRequest) -> dict[str, object]:
    """What the navigation bar needs: the memos awaiting the user's decision and their own memos
    returned to them (one query for both, made only when a page shows the navigation)."""
    context: dict[str, object] = {}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        counts = cache(lambda: nav_counts(user))
        context["memo_inbox_count"] = SimpleLazyObject(lambda: counts()["inbox"])
        context["memo_returned_count"] = SimpleLazyObject(lambda: counts()["returned"])
    return context
