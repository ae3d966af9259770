"""Quotes as the API shows them: the terms applied, the steps, who asked (named in one query
for a page, `identity.public.actor_refs`)."""

from app.core.actors import shaped
from app.core.db import ReadSession
from app.identity.public import actor_refs
from app.red_cross.models import AidQuote
from app.red_cross.schemas import QuoteOut, StepOut, TermsUsed


async def quotes_out(session: ReadSession, quotes: list[AidQuote]) -> list[QuoteOut]:
    actors = await actor_refs(session, [q.created_by for q in quotes])
    return [
        shaped(
            QuoteOut,
            q,
            terms=None
            if q.terms_id is None
            else TermsUsed(id=q.terms_id, rate_percent=q.rate_percent, yearly_cap=q.yearly_cap),
            steps=[StepOut.model_validate(step) for step in q.steps],
            created_by=actors[q.created_by],
        )
        for q in quotes
    ]
