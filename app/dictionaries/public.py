"""What other domains may use of the code tables: validating codes and reading the tables."""

from app.dictionaries.catalog_types import PersonRule
from app.dictionaries.schemas import CodeOf, DictionariesOut, Labels
from app.dictionaries.service import (
    all_tables,
    codes_with,
    group_of,
    labels_of,
    person_rule_of,
    unknown_codes,
)

__all__ = [
    "CodeOf",
    "DictionariesOut",
    "Labels",
    "PersonRule",
    "all_tables",
    "codes_with",
    "group_of",
    "labels_of",
    "person_rule_of",
    "unknown_codes",
]
