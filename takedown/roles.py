"""Names of the roles (auth groups). One list, used by commands, permissions and tests."""

MODERATOR = "moderator"
SENIOR_MODERATOR = "senior_moderator"
INVESTIGATOR = "investigator"
ADMIN = "admin"
TRUSTED_FLAGGER = "trusted_flagger"
AUTHORITY = "authority"
PLATFORM = "platform"

STAFF_ROLES = (MODERATOR, SENIOR_MODERATOR, INVESTIGATOR, ADMIN)
ALL_ROLES = (*STAFF_ROLES, TRUSTED_FLAGGER, AUTHORITY, PLATFORM)


def has_role(user, *roles: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return any(role in cached for role in roles)
