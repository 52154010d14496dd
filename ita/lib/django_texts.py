"""Django's own messages that its Thai catalogue lacks, marked here so that ours translates them
(locale/th takes precedence): a NUL character typed or pasted into any form, and a text longer
than its field, are refused in Thai."""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_TEXTS = (
    gettext_noop("Null characters are not allowed."),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
)
