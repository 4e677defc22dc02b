"""A local stand-in for the DSA Transparency Database's multiple-statements endpoint.

Written from the database's published rules, independently of ``reports.dsa`` (so a test
against it is not the product checking itself): the request rules of
StatementMultipleAPIController (``statements: required|array|between:1,100``) and
GroupedSubmissionsService::multi_rules / StatementStoreRequest (Laravel validation rules,
restated below one by one), the enumerations of app/Models/Statement.php, the country list of
EuropeanCountriesService, Bearer-token authentication, per-platform puid uniqueness, and the
answer shapes of the API documentation (201 with uuids; 422 with ``statement_<i>`` errors and
nothing created; 422 with ``existing_puids``; 401).

``faults`` scripts answers before the real handling (e.g. ``[503, 429]``), for retry tests.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pycountry

VISIBILITY = {"DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED",
              "DECISION_VISIBILITY_CONTENT_DEMOTED", "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
              "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED",
              "DECISION_VISIBILITY_OTHER"}
MONETARY = {"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"}
PROVISION = {"DECISION_PROVISION_PARTIAL_SUSPENSION", "DECISION_PROVISION_TOTAL_SUSPENSION",
             "DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION"}
ACCOUNT = {"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"}
ACCOUNT_TYPE = {"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"}
GROUND = {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
CONTENT_TYPE = {"CONTENT_TYPE_APP", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE", "CONTENT_TYPE_PRODUCT",
                "CONTENT_TYPE_SYNTHETIC_MEDIA", "CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO", "CONTENT_TYPE_OTHER"}
CATEGORY = {f"STATEMENT_CATEGORY_{c}" for c in (
    "ANIMAL_WELFARE CONSUMER_INFORMATION CYBER_VIOLENCE CYBER_VIOLENCE_AGAINST_WOMEN "
    "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS ILLEGAL_OR_HARMFUL_SPEECH INTELLECTUAL_PROPERTY_INFRINGEMENTS "
    "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS NOT_SPECIFIED_NOTICE PROTECTION_OF_MINORS "
    "RISK_FOR_PUBLIC_SECURITY SCAMS_AND_FRAUD SELF_HARM OTHER_VIOLATION_TC UNSAFE_AND_PROHIBITED_PRODUCTS VIOLENCE"
).split()}
KEYWORDS = {f"KEYWORD_{k}" for k in (
    "ADULT_SEXUAL_MATERIAL AGE_SPECIFIC_RESTRICTIONS AGE_SPECIFIC_RESTRICTIONS_MINORS ANIMAL_HARM "
    "BIOMETRIC_DATA_BREACH BULLYING_AGAINST_GIRLS CHILD_SEXUAL_ABUSE_MATERIAL CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE "
    "CONTENT_PROMOTING_EATING_DISORDERS COORDINATED_HARM COPYRIGHT_INFRINGEMENT CYBER_BULLYING_INTIMIDATION "
    "CYBER_HARASSMENT CYBER_HARASSMENT_AGAINST_WOMEN CYBER_INCITEMENT CYBER_STALKING CYBER_STALKING_AGAINST_WOMEN "
    "DATA_FALSIFICATION DEFAMATION DESIGN_INFRINGEMENT DISCRIMINATION FEMALE_GENDERED_DISINFORMATION "
    "GEOGRAPHICAL_REQUIREMENTS GEOGRAPHIC_INDICATIONS_INFRINGEMENT GOODS_SERVICES_NOT_PERMITTED "
    "GROOMING_SEXUAL_ENTICEMENT_MINORS HATE_SPEECH HIDDEN_ADVERTISEMENT HUMAN_EXPLOITATION HUMAN_TRAFFICKING "
    "ILLEGAL_ORGANIZATIONS IMPERSONATION_ACCOUNT_HIJACKING INAUTHENTIC_ACCOUNTS INAUTHENTIC_LISTINGS "
    "INAUTHENTIC_USER_REVIEWS INCITEMENT_AGAINST_WOMEN INCITEMENT_VIOLENCE_HATRED INSUFFICIENT_INFORMATION_ON_TRADERS "
    "LANGUAGE_REQUIREMENTS MISINFORMATION_DISINFORMATION MISLEADING_INFO_CONSUMER_RIGHTS "
    "MISLEADING_INFO_GOODS_SERVICES MISSING_PROCESSING_GROUND NONCOMPLIANCE_PRICING NON_CONSENSUAL_IMAGE_SHARING "
    "NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN NON_CONSENSUAL_MATERIAL_DEEPFAKE "
    "NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN NUDITY OTHER PATENT_INFRINGEMENT PHISHING PROHIBITED_PRODUCTS "
    "PYRAMID_SCHEMES RIGHT_TO_BE_FORGOTTEN RISK_ENVIRONMENTAL_DAMAGE RISK_PUBLIC_HEALTH SELF_MUTILATION STALKING "
    "SUICIDE TERRORIST_CONTENT TRADEMARK_INFRINGEMENT TRADE_SECRET_INFRINGEMENT TRAFFICKING_WOMEN_GIRLS "
    "UNLAWFUL_SALE_ANIMALS UNSAFE_CHALLENGES UNSAFE_PRODUCTS VIOLATION_EU_LAW VIOLATION_NATIONAL_LAW"
).split()}
SOURCE = {"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"}
AUTOMATED_DECISION = {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"}
YES_NO = {"Yes", "No"}
COUNTRIES = set("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK".split())
LANGUAGES = {lang.alpha_2.upper() for lang in pycountry.languages if hasattr(lang, "alpha_2")}
PUID = re.compile(r"^[a-zA-Z0-9-_]+\Z")
YMD = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


def _filled(statement: dict, name: str) -> bool:
    return statement.get(name) not in (None, "", [])


def check(statement: dict, keywords: set[str] = KEYWORDS) -> dict[str, list[str]]:
    """The rules, as the database applies them to one statement of a multiple call."""
    errors: dict[str, list[str]] = {}

    def error(name: str, text: str) -> None:
        errors.setdefault(name, []).append(text)

    def in_(name: str, allowed: set[str], *, array: bool = False) -> None:
        value = statement.get(name)
        if value is None:
            return
        if array:
            if not isinstance(value, list):
                error(name, f"The {name} field must be an array.")
                return
            if any(v not in allowed for v in value):
                error(name, f"The selected {name} is invalid.")
        elif value not in allowed:
            error(name, f"The selected {name} is invalid.")

    def max_(name: str, limit: int) -> None:
        if isinstance(statement.get(name), str) and len(statement[name]) > limit:
            error(name, f"The {name} field must not be greater than {limit} characters.")

    def ymd(name: str, *, required: bool, after: date | None = None) -> None:
        value = statement.get(name)
        if value in (None, ""):
            if required:
                error(name, f"The {name} field is required.")
            return
        if not isinstance(value, str) or not YMD.match(value):
            error(name, f"The {name} does not match the format YYYY-MM-DD.")
            return
        try:
            day = date.fromisoformat(value)
        except ValueError:
            error(name, f"The {name} does not match the format YYYY-MM-DD.")
            return
        if after and day < after:
            error(name, f"The {name} field must be a date after or equal to {after}.")
        if day > date(2038, 1, 1):
            error(name, f"The {name} field must be a date before or equal to 2038-01-01.")

    restrictions = ("decision_visibility", "decision_monetary", "decision_provision", "decision_account")
    for name in restrictions:  # required_without_all: the others
        if not any(_filled(statement, other) for other in restrictions):
            error(name, f"The {name} field is required when none of the others are present.")
    in_("decision_visibility", VISIBILITY, array=True)
    if "DECISION_VISIBILITY_OTHER" in (statement.get("decision_visibility") or []) and not _filled(
            statement, "decision_visibility_other"):
        error("decision_visibility_other", "The decision visibility other field is required.")
    in_("decision_monetary", MONETARY)
    if statement.get("decision_monetary") == "DECISION_MONETARY_OTHER":
        if not _filled(statement, "decision_monetary_other"):
            error("decision_monetary_other", "The decision monetary other field is required.")
        max_("decision_monetary_other", 500)
    in_("decision_provision", PROVISION)
    in_("decision_account", ACCOUNT)
    in_("account_type", ACCOUNT_TYPE)
    in_("category_specification", keywords, array=True)
    max_("category_specification_other", 500)

    if not _filled(statement, "decision_ground"):
        error("decision_ground", "The decision ground field is required.")
    in_("decision_ground", GROUND)
    if _filled(statement, "decision_ground_reference_url"):
        url = statement["decision_ground_reference_url"]
        if not (isinstance(url, str) and re.match(r"^https?://\S+\Z", url)):
            error("decision_ground_reference_url", "The decision ground reference url field must be a valid URL.")
        max_("decision_ground_reference_url", 500)
    # required_if + exclude_unless: required for its ground, ignored for the other.
    for ground, fields in (("DECISION_GROUND_ILLEGAL_CONTENT", (("illegal_content_legal_ground", 500),
                                                                ("illegal_content_explanation", 2000))),
                           ("DECISION_GROUND_INCOMPATIBLE_CONTENT", (("incompatible_content_ground", 500),
                                                                     ("incompatible_content_explanation", 2000)))):
        if statement.get("decision_ground") != ground:
            continue
        for name, limit in fields:
            if not _filled(statement, name):
                error(name, f"The {name} field is required when decision ground is {ground}.")
            max_(name, limit)
        if ground.endswith("INCOMPATIBLE_CONTENT"):
            in_("incompatible_content_illegal", YES_NO)

    if not _filled(statement, "content_type"):
        error("content_type", "The content type field is required.")
    in_("content_type", CONTENT_TYPE, array=True)
    if "CONTENT_TYPE_OTHER" in (statement.get("content_type") or []):
        if not _filled(statement, "content_type_other"):
            error("content_type_other", "The content type other field is required when content is other.")
        max_("content_type_other", 500)
    if not _filled(statement, "category"):
        error("category", "The category field is required.")
    in_("category", CATEGORY)
    in_("category_addition", CATEGORY, array=True)
    in_("territorial_scope", COUNTRIES, array=True)
    in_("content_language", LANGUAGES)

    ymd("content_date", required=True, after=date(2000, 1, 1))
    ymd("application_date", required=True, after=date(2020, 1, 1))
    for name in ("end_date_account_restriction", "end_date_monetary_restriction", "end_date_service_restriction",
                 "end_date_visibility_restriction"):
        ymd(name, required=False)

    if not _filled(statement, "decision_facts"):
        error("decision_facts", "The decision facts field is required.")
    max_("decision_facts", 5000)
    if not _filled(statement, "source_type"):
        error("source_type", "The source type field is required.")
    in_("source_type", SOURCE)
    max_("source_identity", 500)
    if not _filled(statement, "automated_detection"):
        error("automated_detection", "The automated detection field is required.")
    in_("automated_detection", YES_NO)
    if not _filled(statement, "automated_decision"):
        error("automated_decision", "The automated decision field is required.")
    in_("automated_decision", AUTOMATED_DECISION)
    puid = statement.get("puid")
    if not _filled(statement, "puid"):
        error("puid", "The puid field is required.")
    elif not isinstance(puid, str) or len(puid) > 500 or not PUID.match(puid):
        error("puid", "The puid format is invalid.")
    return errors


class TransparencyDatabase:
    """The stand-in server, on 127.0.0.1 at a free port: ``url`` is its multiple endpoint."""

    def __init__(self, token: str, *, keywords: set[str] = KEYWORDS) -> None:
        self.token = token
        self.keywords = keywords
        self.faults: list[int] = []
        self.calls: list[dict] = []  # every request: status answered and statement count
        self.stored: dict[str, dict] = {}  # puid -> statement with its uuid
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, body, headers = stand_in.handle(self.path, self.headers, raw)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v1/statements"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, path: str, headers, raw: bytes) -> tuple[int, dict, dict]:
        with self._lock:
            answer = self._handle(path, headers, raw)
            self.calls.append({"status": answer[0], "count": self._count(raw)})
            return answer

    @staticmethod
    def _count(raw: bytes) -> int:
        try:
            return len(json.loads(raw).get("statements") or [])
        except (ValueError, AttributeError, TypeError):
            return 0

    def _handle(self, path: str, headers, raw: bytes) -> tuple[int, dict, dict]:
        if path != "/api/v1/statements":
            return 404, {"message": "Not Found"}, {}
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {"message": "Unauthenticated."}, {}
        if self.faults:
            status = self.faults.pop(0)
            return status, {"message": "Service unavailable"}, ({"Retry-After": "1"} if status == 429 else {})
        try:
            payload = json.loads(raw)
        except ValueError:
            return 400, {"message": "Malformed JSON"}, {}
        statements = payload.get("statements") if isinstance(payload, dict) else None
        if not isinstance(statements, list) or not 1 <= len(statements) <= 100:
            return 422, {"message": "The statements field must have between 1 and 100 items.",
                         "errors": {"statements": ["The statements field must have between 1 and 100 items."]}}, {}
        errors = {}
        for index, statement in enumerate(statements):
            found = check(statement, self.keywords) if isinstance(statement, dict) else {"statement": ["not an object"]}
            if found:
                errors[f"statement_{index}"] = found
        if errors:
            return 422, {"message": "Validation failed", "errors": errors}, {}
        puids = [s["puid"] for s in statements]
        duplicates = sorted({p for p in puids if p in self.stored or puids.count(p) > 1})
        if duplicates:
            message = "The platform identifier(s) are not all unique within this call."
            return 422, {"message": message, "errors": {"puid": [message], "existing_puids": duplicates}}, {}
        created = []
        for statement in statements:
            stored = {**statement, "uuid": str(uuid.uuid4()), "platform_name": "Stand-in platform"}
            self.stored[statement["puid"]] = stored
            created.append(stored)
        return 201, {"statements": created}, {}
