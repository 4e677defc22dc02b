"""Words of the prevention app shown to people."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

# What one-click protection asks the host platform to restrict.
RESTRICTION_LABELS = {
    "stranger_messages": gettext_lazy("Messages from people you do not follow"),
    "stranger_comments": gettext_lazy("Comments from people you do not follow"),
    "stranger_reposts": gettext_lazy("Reposts of your posts by people you do not follow"),
}
