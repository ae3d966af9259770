import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.core.region_codes import CODE_PATTERN
from app.dictionaries.public import CodeOf

ORGANIZATION_KINDS = CodeOf("organization_kind")
OrganizationKind = Annotated[str, ORGANIZATION_KINDS]


class OrganizationOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
                    "kind": "red_cross",
                    "name": "渝北区红十字会",
                    "region_code": "500112",
                    "parent_id": None,
                    "version": 1,
                }
            ]
        },
    )

    id: uuid.UUID = Field(description="Organization id.")
    kind: OrganizationKind = Field(
        description="Kind of organization (dictionary `organization_kind`)."
    )
    name: str = Field(description="Official name, in Chinese.")
    region_code: str = Field(description="Code of the region the organization serves or sits in.")
    parent_id: uuid.UUID | None = Field(description="The organization this one belongs to, if any.")
    version: int = Field(description="Version for If-Match.")


class OrganizationCreate(BaseModel):
    kind: OrganizationKind = Field(
        description="Kind of organization (dictionary `organization_kind`)."
    )
    name: str = Field(
        min_length=1, max_length=200, description="Official name; unique within its region."
    )
    region_code: str = Field(pattern=CODE_PATTERN, description="Region it serves or sits in.")
    parent_id: uuid.UUID | None = Field(default=None, description="The organization it belongs to.")


class OrganizationUpdate(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="New official name.")
