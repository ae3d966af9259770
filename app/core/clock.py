"""Business dates: the ledger's calendar is Asia/Shanghai, whatever the server's zone."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def business_today() -> date:
    return datetime.now(SHANGHAI).date()
