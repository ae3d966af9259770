"""Exact money: yuan <-> fen conversions and the `Yuan` JSON type."""

import json
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from app.core.money import MONEY_PATTERN, SubFenAmountError, Yuan, fen_to_yuan, yuan_to_fen

FEN_BOUND = 10**15


class Amount(BaseModel):
    amount: Yuan


class TestYuanToFen:
    @pytest.mark.parametrize(
        ("yuan", "fen"),
        [
            ("546", 54600),
            ("546.00", 54600),
            ("0.01", 1),
            ("-0.01", -1),
            ("1.1", 110),
            ("1.100", 110),
            ("0", 0),
            ("-0", 0),
            ("1E+2", 10000),
            ("9999999999999.99", 999999999999999),
        ],
    )
    def test_exact_amounts_convert(self, yuan: str, fen: int) -> None:
        result = yuan_to_fen(Decimal(yuan))
        assert result == fen
        assert type(result) is int

    @pytest.mark.parametrize("yuan", ["0.001", "1.005", "-0.009", "0.0000001", "546.001"])
    def test_sub_fen_amount_is_refused(self, yuan: str) -> None:
        with pytest.raises(SubFenAmountError, match="more than two decimal places"):
            yuan_to_fen(Decimal(yuan))

    @pytest.mark.parametrize("yuan", ["NaN", "sNaN", "-NaN", "Infinity", "-Infinity"])
    def test_non_finite_amount_is_refused(self, yuan: str) -> None:
        with pytest.raises(SubFenAmountError, match="finite"):
            yuan_to_fen(Decimal(yuan))

    def test_sub_fen_error_is_a_value_error(self) -> None:
        assert issubclass(SubFenAmountError, ValueError)

    def test_sub_fen_amount_with_many_digits_is_refused(self) -> None:
        # 29 significant digits once multiplied by 100: the default decimal
        # context (28 digits) must not round the fraction away.
        with pytest.raises(SubFenAmountError):
            yuan_to_fen(Decimal("12345678901234567890123456.789"))

    @settings(max_examples=200)
    @given(
        yuan=st.decimals(
            min_value=Decimal(-(10**13)),
            max_value=Decimal(10**13),
            places=2,
            allow_nan=False,
            allow_infinity=False,
        )
    )
    def test_two_place_amounts_survive_a_round_trip(self, yuan: Decimal) -> None:
        assert fen_to_yuan(yuan_to_fen(yuan)) == yuan

    @settings(max_examples=200)
    @given(
        yuan=st.decimals(
            min_value=Decimal(-(10**6)),
            max_value=Decimal(10**6),
            places=3,
            allow_nan=False,
            allow_infinity=False,
        )
    )
    def test_three_place_amounts_are_refused_unless_the_last_digit_is_zero(
        self, yuan: Decimal
    ) -> None:
        if (yuan * 1000) % 10 == 0:
            assert yuan_to_fen(yuan) == int(yuan * 100)
        else:
            with pytest.raises(SubFenAmountError):
                yuan_to_fen(yuan)


class TestFenToYuan:
    @pytest.mark.parametrize(
        ("fen", "text"),
        [
            (54600, "546.00"),
            (1, "0.01"),
            (-1, "-0.01"),
            (0, "0.00"),
            (110, "1.10"),
            (FEN_BOUND, "10000000000000.00"),
            (-FEN_BOUND, "-10000000000000.00"),
        ],
    )
    def test_fen_become_yuan_with_two_places(self, fen: int, text: str) -> None:
        assert str(fen_to_yuan(fen)) == text

    @settings(max_examples=200)
    @given(fen=st.integers(min_value=-FEN_BOUND, max_value=FEN_BOUND))
    def test_round_trip_gives_back_the_fen(self, fen: int) -> None:
        yuan = fen_to_yuan(fen)
        assert yuan.as_tuple().exponent == -2
        assert yuan_to_fen(yuan) == fen


class TestYuanType:
    def test_whole_yuan_serialises_with_two_places(self) -> None:
        model = Amount.model_validate({"amount": "546"})
        assert model.amount == Decimal("546.00")
        assert model.model_dump_json() == '{"amount":"546.00"}'

    def test_json_input_string_serialises_with_two_places(self) -> None:
        model = Amount.model_validate_json('{"amount": "0.5"}')
        assert json.loads(model.model_dump_json()) == {"amount": "0.50"}

    def test_python_dump_in_json_mode_is_a_string(self) -> None:
        assert Amount(amount=Decimal("12.3")).model_dump(mode="json") == {"amount": "12.30"}

    def test_negative_amount_keeps_its_sign(self) -> None:
        assert Amount.model_validate({"amount": "-3.5"}).model_dump_json() == '{"amount":"-3.50"}'

    @pytest.mark.parametrize("text", ["1.234", "0.001", "1.005"])
    def test_sub_fen_string_fails_validation(self, text: str) -> None:
        with pytest.raises(ValidationError) as caught:
            Amount.model_validate({"amount": text})
        assert caught.value.errors()[0]["loc"] == ("amount",)
        assert "at most two places" in caught.value.errors()[0]["msg"]

    @pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "abc", ""])
    def test_non_numbers_fail_validation(self, text: str) -> None:
        with pytest.raises(ValidationError):
            Amount.model_validate({"amount": text})

    def test_serialization_schema_is_a_string_with_a_pattern(self) -> None:
        schema = Amount.model_json_schema(mode="serialization")["properties"]["amount"]
        assert schema["type"] == "string"
        assert schema["pattern"] == MONEY_PATTERN
        assert schema["examples"] == ["546.00"]

    def test_validation_schema_is_a_string_with_a_pattern(self) -> None:
        # Request bodies are documented with the validation schema: API.md
        # promises decimal strings there too.
        schema = Amount.model_json_schema(mode="validation")["properties"]["amount"]
        assert schema.get("type") == "string"
        assert "pattern" in schema

    def test_json_number_is_not_silently_rounded(self) -> None:
        # 12345678901234567.01 is not representable as a float: accepting JSON
        # numbers would store 12345678901234568.00 without a word.
        with pytest.raises(ValidationError):
            Amount.model_validate_json('{"amount": 12345678901234567.01}')

    @settings(max_examples=100)
    @given(fen=st.integers(min_value=-FEN_BOUND, max_value=FEN_BOUND))
    def test_serialised_value_matches_the_schema_pattern(self, fen: int) -> None:
        dumped = json.loads(Amount(amount=fen_to_yuan(fen)).model_dump_json())["amount"]
        pattern = Amount.model_json_schema(mode="serialization")["properties"]["amount"]["pattern"]
        assert re.fullmatch(pattern, dumped)
        assert Amount.model_validate({"amount": dumped}).amount == fen_to_yuan(fen)
