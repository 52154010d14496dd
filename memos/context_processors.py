from functools import cache

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from memos.selectors import navigation as read_navigation


def navigation(request: HttpRequest) -> dict[str, object]:
    """What the navigation bar needs (``selectors.navigation``: kept, one cache read): the memos
    awaiting the user's decision, their own memos returned to them, the operators' pages they
    may open; read only when a page shows the navigation."""
    context: dict[str, object] = {}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        read = cache(lambda: read_navigation(user))  # once a request, whichever asks first
        context["nav"] = SimpleLazyObject(read)
        context["memo_inbox_count"] = SimpleLazyObject(lambda: read().inbox)
        context["memo_returned_count"] = SimpleLazyObject(lambda: read().returned)
    return context
