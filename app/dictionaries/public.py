"""What other domains may use of the code tables: validating codes and reading the tables."""

from app.dictionaries.catalog_types import PersonRule
from app.dictionaries.schemas import CodeOf, DictionariesOut
from app.dictionaries.service import all_tables, codes_with, group_of, person_rule_of, unknown_codes

__all__ = [
    "CodeOf",
    "DictionariesOut",
    "PersonRule",
    "all_tables",
    "codes_with",
    "group_of",
    "person_rule_of",
    "unknown_codes",
]
