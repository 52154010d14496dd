from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def navigation(request: HttpRequest) -> dict:
    """What the navigation bar needs; apps add their counts here (one query each)."""
    context: dict = {}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from memos.selectors import inbox_count

        # Lazy: pages that do not show the navigation (files, redirects) pay nothing.
        context["memo_inbox_count"] = SimpleLazyObject(lambda: inbox_count(user))
    return context
