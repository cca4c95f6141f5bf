"""The documents of GeoReport v2, each rendered in XML (which the spec requires)
and JSON, with the spec's element names.

A document is built once as plain values and rendered both ways by the spec's
mapping (its "Spark convention"): one element per field; a list is an element
holding one element per item in XML and an array in JSON; a missing value is an
empty element in XML and null in JSON; booleans are true/false; datetimes are
ISO 8601 with the city's offset (2026-11-29T09:30:00+08:00).

What a request document says is public: anyone may read it without a key. So
it carries the client's description and address (with phone and ID numbers
masked), the office or partner in charge and the status, never the reporter's
contact details, the staff's names or their notes.
"""
import datetime
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from wangge.cases.models import OwnerKind
from wangge.cases.states import Status
from wangge.people.privacy import mask_id_number, mask_phone

from . import selectors
from .models import LIST_DATATYPES, Open311Request

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
MIME_TYPES = ("text/xml", "application/json")
SERVICE_TYPE = "realtime"  # a request that can be placed gets its id at once; see docs/open311.md
# Mainland mobile numbers and 18-digit ID numbers inside free text.
_PHONE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_IN_TEXT = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Many:
    """A list: <plural><item>…</item>…</plural> in XML, an array in JSON."""

    item: str
    items: list


@dataclass(frozen=True)
class Document:
    root: str
    body: dict | Many
    status: int = 200
    headers: dict = field(default_factory=dict)


# --- the documents ---------------------------------------------------------------
def discovery(url: str, changeset: datetime.datetime) -> Document:
    return Document("discovery", {
        "changeset": changeset,
        "contact": str(settings.WANGGE_OPEN311_CONTACT),
        "key_service": str(settings.WANGGE_OPEN311_KEY_SERVICE),
        "endpoints": Many("endpoint", [{
            "specification": SPECIFICATION,
            "url": url,
            "changeset": changeset,
            "type": settings.WANGGE_OPEN311_ENDPOINT_TYPE,
            "formats": Many("format", list(MIME_TYPES)),
        }]),
    })


def services(categories: list) -> Document:
    return Document("services", Many("service", [_service(category) for category in categories]))


def _service(category) -> dict:
    parent = category.parent
    names = [category.name, category.name_en] + ([parent.name, parent.name_en] if parent else [])
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{category}：{selectors.service_notice(category)}",
        "metadata": bool(category.attributes),
        "type": SERVICE_TYPE,
        "keywords": ", ".join(dict.fromkeys(name for name in names if name)),
        "group": parent.name if parent else category.name,
    }


def service_definition(category) -> Document:
    return Document("service_definition", {
        "service_code": category.code,
        "attributes": Many("attribute", [_attribute(a) for a in category.attributes]),
    })


def _attribute(attribute) -> dict:
    fields = {
        "variable": attribute.variable,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description or None,
        "order": attribute.order,
        "description": attribute.description,
    }
    if attribute.datatype in LIST_DATATYPES:
        fields["values"] = Many("value", [{"key": v["key"], "name": v["name"]} for v in attribute.values])
    return fields


def requests(records: list[Open311Request]) -> Document:
    notices = {}  # one routing lookup per service, not per request
    for record in records:
        if record.case.category_id not in notices:
            notices[record.case.category_id] = selectors.service_notice(record.case.category)
    return Document("service_requests", Many("request", [
        _request(record, notices[record.case.category_id]) for record in records
    ]))


def _request(record: Open311Request, notice: str) -> dict:
    case = record.case
    closed = selectors.open311_status(case.status) == "closed"
    return {
        "service_request_id": case.number,
        "status": selectors.open311_status(case.status),
        "status_notes": str(Status(case.status).label),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": _public_text(record.description),
        "agency_responsible": case.owner_partner if case.owner_kind == OwnerKind.PARTNER else case.owner_area.name,
        "service_notice": notice,
        "requested_datetime": record.created_at,
        "updated_datetime": case.closed_at if closed and case.closed_at else case.updated_at,
        "expected_datetime": case.deadline,
        # The client's own words, or the building (never the dwelling) an address_id named.
        "address": _public_text(record.address_string) or (str(case.building) if case.building_id else None),
        "address_id": record.address_id or None,
        "zipcode": None,
        "lat": record.lat,
        "long": record.lng,
        "media_url": record.media_url or None,
    }


def created(record: Open311Request) -> Document:
    """The answer to POST requests: the new request's id, or the token to ask for it later."""
    ident = {"service_request_id": record.case.number} if record.case_id else {"token": record.token}
    return Document("service_requests", Many("request", [{
        **ident,
        "service_notice": selectors.service_notice(record.service),
        # The spec lets a server keep the reporter's account to itself.
        "account_id": None,
    }]))


def token(record: Open311Request) -> Document:
    return Document("service_requests", Many("request", [{
        "service_request_id": record.case.number if record.case_id else None,
        "token": record.token,
    }]))


def errors(status: int, descriptions: list[str], headers: dict | None = None) -> Document:
    return Document(
        "errors", Many("error", [{"code": status, "description": d} for d in descriptions]), status, headers or {}
    )


def _public_text(text: str) -> str | None:
    if not text:
        return None
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group()), text)
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


# --- rendering -----------------------------------------------------------------------
def render(document: Document, fmt: str) -> HttpResponse:
    if fmt == "json":
        content = json.dumps(_json(document.body), ensure_ascii=False)
    else:
        root = ET.Element(document.root)
        _xml(root, document.body)
        content = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
    response = HttpResponse(content.encode(), content_type=CONTENT_TYPES[fmt], status=document.status)
    for name, value in document.headers.items():
        response[name] = value
    return response


def _xml(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            _xml(ET.SubElement(element, name), item)
    elif isinstance(value, Many):
        for item in value.items:
            _xml(ET.SubElement(element, value.item), item)
    elif value is not None:
        element.text = _scalar(value)


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return _w3c(value)
    # Control characters cannot appear in XML 1.0 at all; names imported from spreadsheets may hold some.
    return _NOT_IN_XML.sub("", str(value))


def _json(value):
    if isinstance(value, dict):
        return {name: _json(item) for name, item in value.items()}
    if isinstance(value, Many):
        return [_json(item) for item in value.items]
    if isinstance(value, datetime.datetime):
        return _w3c(value)
    return value


def _w3c(value: datetime.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")
