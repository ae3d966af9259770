"""The JSON of a priority score's parts (DOMAIN 5, "Scoring"), one shape wherever a score is
answered: an assessment's factors and the priority list's."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, PlainSerializer

from app.eligibility.terms import Factor

Points = Annotated[Decimal, PlainSerializer(lambda value: f"{value:.2f}", return_type=str)]
"""Points of the priority score, a decimal string with two places ("63.50")."""
Fraction4 = Annotated[Decimal, PlainSerializer(lambda value: f"{value:.4f}", return_type=str)]
"""A factor's fraction in [0, 1], a decimal string with four places ("0.2500")."""


class FactorPoints(BaseModel):
    """One factor of the score: its fraction in [0, 1] times its weight."""

    factor: Factor = Field(description="The factor (a key of the policy's `weights`).")
    fraction: Fraction4 = Field(description="The factor's fraction, 0 to 1, to four places.")
    weight: int = Field(description="The policy's weight of the factor, in points.")
    points: Points = Field(description="What the factor adds to the score (two places).")


class ContributionOut(FactorPoints):
    """One factor of the score with the figures its fraction came from."""

    figures: dict[str, str] = Field(description="The figures the fraction came from.")
