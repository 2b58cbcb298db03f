"""Commands on districts, streets and communities."""

from __future__ import annotations

from models.commands.common import unique_name
from models.commands.crud import EntitySpec, FieldSpec, Reference
from models.geo import Community, District, Street
from models.validation import latitude, longitude, text

_NAME = FieldSpec("name", text(max_length=64))
_CODE = FieldSpec("code", text(max_length=16, required=False), required=False)


DISTRICT = EntitySpec(
    District,
    "district",
    {"name": _NAME, "code": _CODE},
    check=unique_name(
        District, within=None, message="name: a district named {name} already exists."
    ),
)
STREET = EntitySpec(
    Street,
    "street",
    {"name": _NAME, "code": _CODE},
    references={"district_id": Reference(District, "district", "districtId")},
    check=unique_name(
        Street,
        within="district_id",
        message="name: this district already has a street named {name}.",
    ),
)
COMMUNITY = EntitySpec(
    Community,
    "community",
    {
        "name": _NAME,
        "latitude": FieldSpec("location.latitude", latitude),
        "longitude": FieldSpec("location.longitude", longitude),
    },
    references={"street_id": Reference(Street, "street", "streetId")},
    check=unique_name(
        Community,
        within="street_id",
        message="name: this street already has a community named {name}.",
    ),
)
