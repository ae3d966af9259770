"""Which kinds of organisation are government departments: the one place that says so.

PIPL art. 23 (个人信息保护法第二十三条) asks a handler that provides personal information to
another handler for the individual's separate consent. The ledger is kept by the district's
civil-affairs system (Yubei 3(3), Beijing 4(1)); what it passes to a government department
for that department's statutory duty (the one window's push, 推送) is sharing within
government, done under the assistance rules. Anything else is another handler, and needs the
household's consent (`app/consents`).
"""

GOVERNMENT_KINDS = frozenset(
    {
        # The civil-affairs system that keeps the ledger: the district bureau, its assistance
        # guidance centre (a public institution it runs, 区民政局下属) and the streets'
        # assistance stations (set up by the street offices, Yubei 3(5)).
        "civil_affairs_bureau",
        "assistance_guidance_center",
        "street_assistance_station",
        # Street offices and town governments: the district government's own organs.
        "street_office",
        # The departments the one window pushes needs to for their statutory duty (DOMAIN 7;
        # Yubei 3(3)1): finance, HR and social security, health, housing, education, medical
        # security, rural affairs.
        "finance",
        "hr_social_security",
        "health",
        "housing",
        "education",
        "medical_security",
        "rural_affairs",
    }
)
"""Organisation kinds (dictionary `organization_kind`) that are government departments.

Not government, so consent is needed (`requires_consent`): the Red Cross (红十字会, a
people's organisation under its own law), the charity federation and foundations (charitable
organisations under the Charity Law), enterprises and public institutions, social service
organisations and social-work agencies (private non-profit entities, even when the street
buys their services), deputies and CPPCC members (individuals, not an organ that handles the
data), village and residents' committees (基层群众性自治组织, self-governing, not organs of
the state) and designated hospitals (medical institutions, handlers of their own). A kind
added to the dictionary is not government until it is listed here: the safe side."""


def is_government(kind: str) -> bool:
    """Whether an organisation of `kind` is a government department (see `GOVERNMENT_KINDS`)."""
    return kind in GOVERNMENT_KINDS


def requires_consent(kind: str) -> bool:
    """Whether personal data goes to an organisation of `kind` only with the household's
    consent on record (PIPL art. 23): every kind that is not a government department."""
    return not is_government(kind)
