"""What other domains may use of the region tree (DOMAIN 2)."""

from app.regions.service import child_codes as child_region_codes
from app.regions.service import codes_at_level as region_codes_at_level
from app.regions.service import exists as region_exists
from app.regions.service import get_with_path as region_with_path
from app.regions.service import names_of as region_names
from app.regions.service import save_region

__all__ = [
    "child_region_codes",
    "region_codes_at_level",
    "region_exists",
    "region_names",
    "region_with_path",
    "save_region",
]
