"""Reads of the host-platform adapter: per-platform progress of a case, for the complainant's
tracking page and API and for the staff case page."""

from __future__ import annotations

from typing import Any

from complaints.models import Complaint
from complaints.selectors import TrackingSection
from hostplatform import platforms
from moderation.models import ItemAction


def platform_progress(complaint: Complaint) -> dict[str, Any]:
    """Each platform the case's items are on, with the state of the latest measure on each of
    its items, and the sites outside the group the desk cannot act on."""
    items = list(complaint.items.all())
    routes = platforms.routes_of(items)
    latest: dict[int, ItemAction] = {}
    for action in ItemAction.objects.filter(item__in=items).order_by("pk"):
        latest[action.item_id] = action  # the newest action (apply or lift) answers for the item
    groups: dict[int, dict[str, Any]] = {}
    outside: list[dict[str, Any]] = []
    for item in items:
        route = routes[item.pk]
        action = latest.get(item.pk)
        entry = {
            "item_id": item.pk,
            "url": item.url,
            "action": action.kind if action else None,
            "state": action.state if action else "awaiting_decision",
        }
        if route.platform is None:
            outside.append({**entry, "site": route.site})
            continue
        group = groups.setdefault(route.platform_id, {
            "slug": route.platform.slug, "name": route.platform.name, "items": [],
        })
        group["items"].append(entry)
    for group in groups.values():
        states = [i["state"] for i in group["items"]]
        group["done"] = states.count(ItemAction.State.DONE)
        group["total"] = len(states)
        group["state"] = _summary(states)
    return {"platforms": list(groups.values()), "outside": outside,
            "outside_sites": sorted({o["site"] for o in outside})}


def _summary(states: list[str]) -> str:
    if all(s == "awaiting_decision" for s in states):
        return "awaiting_decision"
    if all(s == ItemAction.State.DONE for s in states):
        return "done"
    if any(s in (ItemAction.State.FAILED, ItemAction.State.ESCALATED) for s in states):
        return "problem"
    return "pending"


def tracking_section(complaint: Complaint, token: str) -> TrackingSection | None:
    """``complaints.tracking_sections``: per-platform state, shown once the notice names a site
    outside the group or the group has more than one platform."""
    progress = platform_progress(complaint)
    if not progress["outside"] and len(progress["platforms"]) < 2 and not _group_of_several():
        return None
    data = {
        "platforms": [
            {"slug": g["slug"], "name": g["name"], "state": g["state"], "done": g["done"], "total": g["total"],
             "items": [{"url": i["url"], "state": i["state"]} for i in g["items"]]}
            for g in progress["platforms"]
        ],
        "outside_sites": progress["outside_sites"],
        "outside": [{"url": o["url"], "site": o["site"]} for o in progress["outside"]],
    }
    # Sites the desk cannot act on are said on the receipt already: the victim should not
    # wait for action there.
    return TrackingSection(key="platforms", template="hostplatform/_tracking_platforms.html", data=data,
                           on_receipt=bool(data["outside_sites"]))


def _group_of_several() -> bool:
    from hostplatform.models import Platform

    return Platform.objects.filter(active=True).count() > 1


def case_panel(complaint: Complaint, request) -> tuple[str, dict]:
    """``moderation.case_panels``: where each item is and how far each platform got."""
    return "hostplatform/_case_platforms.html", platform_progress(complaint)
