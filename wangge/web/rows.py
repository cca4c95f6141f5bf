"""What the pages show of a resident: personal data masked.

Templates get these rows, never Resident objects, so no template can print a
full ID number or phone by mistake; the only full value a page ever shows is
the one returned by wangge.people.services.reveal, which logs it.
"""
from collections.abc import Callable
from dataclasses import dataclass

from wangge.people.models import Resident, Tag
from wangge.people.privacy import mask_id_number, mask_phone
from wangge.people.selectors import tag_reader


@dataclass(frozen=True)
class ResidentRow:
    id: int
    name: str
    gender: str
    age: int
    relation: str
    residence_type: str
    id_number: str
    phone: str
    address: str
    household_id: int | None
    area_code: str
    tags: list[Tag]
    note: str

    @classmethod
    def of(cls, resident: Resident, tags: Callable[[Resident], list[Tag]] | None = None) -> "ResidentRow":
        """The row of one resident; pass a tag_reader when building many rows."""
        tags = tags or tag_reader()
        return cls(
            id=resident.pk,
            name=resident.name,
            gender=resident.get_gender_display(),
            age=resident.age(),
            relation=resident.get_relation_display(),
            residence_type=resident.get_residence_type_display(),
            id_number=mask_id_number(resident.id_number),
            phone=mask_phone(resident.phone),
            address=resident.household.address if resident.household else "",
            household_id=resident.household_id,
            area_code=resident.area_code,
            tags=tags(resident),
            note=resident.note,
        )
