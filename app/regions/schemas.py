from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.core.region_codes import CODE_PATTERN, RegionLevel

_EXAMPLE: dict[str, Any] = {
    "version": 1,
    "code": "500112001",
    "name": "双龙湖街道",
    "level": "street",
    "parent_code": "500112",
}


class RegionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_EXAMPLE]})

    code: str = Field(
        description="National statistical division code; grids extend their community's code by 3 digits.",
        pattern=CODE_PATTERN,
    )
    name: str = Field(description="Official name, in Chinese.")
    level: RegionLevel = Field(
        description="Level in the tree: district, street (or town), community, grid."
    )
    parent_code: str | None = Field(
        description="Code of the enclosing region; null for a district."
    )
    version: int = Field(description="Version for If-Match.")


class RegionCreate(BaseModel):
    code: str = Field(
        pattern=CODE_PATTERN,
        description="New region code; its parent (the code less 3 digits) must exist.",
    )
    name: str = Field(min_length=1, max_length=100, description="Official name, in Chinese.")


class RegionRename(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="New official name.")


class RegionPathItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="Region code.")
    name: str = Field(description="Official name, in Chinese.")
    level: RegionLevel = Field(description="Level in the tree.")


class RegionDetail(RegionOut):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    **_EXAMPLE,
                    "path": [
                        {"code": "500112", "name": "渝北区", "level": "district"},
                        {"code": "500112001", "name": "双龙湖街道", "level": "street"},
                    ],
                }
            ]
        },
    )

    path: list[RegionPathItem] = Field(
        description="The regions from the district down to this one, inclusive."
    )
