"""Values the contract's examples share, made valid by the rules that check them.

Examples are sent to the app as they stand (tests/core/test_contract_examples.py) and by
the contract fuzzer, so a value that a rule checks is computed here once, never typed out
in a schema where it could drift.
"""

from app.core.id_numbers import check_character

_EXAMPLE_ID_FIRST17 = "50011219520315002"
EXAMPLE_ID_NUMBER = _EXAMPLE_ID_FIRST17 + check_character(_EXAMPLE_ID_FIRST17)
"""The ID number of every example that names a person: a woman of Yubei born 1952-03-15."""
