from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from memos.selectors import inbox_count


def navigation(request: HttpRequest) -> dict[str, object]:
    """What the navigation bar needs: the count of memos awaiting the user (one query)."""
    context: dict[str, object] = {}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Lazy: pages that do not show the navigation (files, redirects) pay nothing.
        context["memo_inbox_count"] = SimpleLazyObject(lambda: inbox_count(user))
    return context
