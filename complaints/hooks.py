"""Extension points of the complaint channel (see takedown.extensions).

Higher layers connect to these in their ``extensions.py``; the complaint services call
them at the moments named below, inside the same transaction, so what other apps do
commits or rolls back with the complaint.
"""

from __future__ import annotations

from takedown.extensions import Hook, Registry

before_submit = Hook(
    "complaints.before_submit",
    "fn(complaint): before anything of a notice is stored or its files are read, with the "
    "unsaved complaint. Raise a DomainError to refuse the notice (a submitter suspended for misuse).",
)
submitted = Hook(
    "complaints.submitted",
    "fn(complaint): a notice was stored, valid or not (its items are primed on the instance). "
    "E.g. propose a referral for a threat to life, assess serious circumstances.",
)
submitted_many = Hook(
    "complaints.submitted_many",
    "fn(complaints): several notices were stored together (the batch endpoint), each as "
    "`submitted` describes. Every function connected to `submitted` has a form connected here "
    "that does the same for each notice, writing what it can for all of them at once.",
)
complainant_activity = Hook(
    "complaints.complainant_activity",
    "fn(complaint): the complainant added evidence, details or a message (the complaint is "
    "locked). E.g. reassess serious circumstances.",
)
case_change = Hook(
    "complaints.case_change",
    "fn(target, actor=str, action=str): called first by every service that changes or deletes "
    "something belonging to a case (target: the complaint or an object with complaint_id). Raise "
    "Conflict to refuse: a case under a legal hold cannot change.",
)
case_visible = Hook(
    "complaints.case_visible",
    "fn(user, complaint) -> bool: may this user, who is not a moderator, see the case? True from "
    "any receiver opens it (an investigator named on a live legal request covering it).",
)
case_assignee = Hook(
    "complaints.case_assignee",
    "fn(complaint) -> user or None: who is working on the notice now (the moderator holding its "
    "claim), so deadline reminders reach them first.",
)
erase_personal_data = Hook(
    "complaints.erase_personal_data",
    "fn(complaint) -> dict[str, int]: retention ended: erase what this app keeps about the case "
    "that is personal data; return counts for the audit event. Runs inside the erasure's transaction.",
)
tracking_sections = Hook(
    "complaints.tracking_sections",
    "fn(complaint, token) -> TrackingSection or None: a section of the complainant's tracking page "
    "and of GET /api/v1/track/<token>/ (the outcome, one-click protection, the evidence pack).",
)
tracking_section_schemas = Registry(
    "complaints.tracking_section_schemas",
    "key -> the output Serializer class of that tracking section's data: it renders "
    "``sections[key]`` of GET /api/v1/track/<token>/ and documents it in the OpenAPI schema.",
)
personal_data_finders = Hook(
    "complaints.personal_data_finders",
    "fn(text, names) -> list of (start, end, kind): personal information a detector finds in text "
    "leaving a case (a statement of reasons, the notice forwarded to the poster); ``names`` are the "
    "case's own names, to be found however they are disguised.",
)
