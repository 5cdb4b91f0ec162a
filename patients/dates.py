from datetime import date, datetime

SEARCH_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")


def parse_search_date(text: str) -> date | None:
    """A date of birth typed into search, in ISO or day-first form."""
    for fmt in SEARCH_DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
