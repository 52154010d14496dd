"""Nothing typed is lost when the session has expired.

A form POSTed without a live session would otherwise bounce to the login page and vanish. The
decorator keeps the POSTed fields in the (new, anonymous) session, which survives the login
(``login()`` cycles the session key but keeps its data), and sends the user to log in; the form
page then fills itself from the kept fields once and says so. Files cannot be kept this way.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

SESSION_KEY = "memos.kept_post"
AUTOSAVE_CLEAR_KEY = "memos.autosave_clear"


def login_required_keeping_post(
    form_path: Callable[..., str] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Like ``login_required``; a POST without a session is kept for the form at ``form_path``
    (a function of the view's arguments; the request's own path by default)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            target = form_path(*args, **kwargs) if form_path else request.path
            if request.method == "POST":
                keep_post(request, target)
                messages.warning(
                    request,
                    _(
                        "Your session had ended before your text was saved. Log in again: "
                        "what you typed has been kept and will be put back into the form."
                    ),
                )
            return redirect_to_login(target)

        return wrapped

    return decorator


def keep_post(request: HttpRequest, path: str) -> None:
    """Keep the POSTed fields for the form at ``path`` (put back once by ``take_kept_post``)."""
    request.session[SESSION_KEY] = {
        "path": path,
        "data": {
            key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"
        },
    }


def take_kept_post(request: HttpRequest) -> dict[str, str] | None:
    """The fields kept for this page, once (then forgotten), or None."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    messages.info(
        request,
        _("The text you typed before your session ended has been put back. Check it and save."),
    )
    return {key: values[-1] if values else "" for key, values in kept["data"].items()}


def clear_autosave(request: HttpRequest, key: str) -> None:
    """Tell the next page to drop the browser's autosaved copy: the server has the text now."""
    request.session[AUTOSAVE_CLEAR_KEY] = key


def take_autosave_clear(request: HttpRequest) -> str:
    return request.session.pop(AUTOSAVE_CLEAR_KEY, "")
