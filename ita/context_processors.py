from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    """What the navigation bar needs; apps add their counts here (one query each)."""
    return {}
