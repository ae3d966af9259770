"""What other domains (and the demo) may use of the Red Cross aid: setting terms as the API does."""

from app.red_cross.schemas import TermsIn
from app.red_cross.service import count_terms
from app.red_cross.service import create_terms as create_aid_terms

__all__ = ["TermsIn", "count_terms", "create_aid_terms"]
