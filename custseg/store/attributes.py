"""The values of the customers' attribute columns (industry, country, …) as stored."""

from __future__ import annotations

from sqlalchemy import select

from custseg.store.db import Store
from custseg.store.models import CUSTOMERS

# Columns with more distinct values than this are identifiers or free text, not categories a
# message would name ("retail customers").
MAX_VALUES = 500


def attribute_values(store: Store) -> dict[str, list[str]]:
    """Each attribute column of the stored customers and its distinct values, sorted.

    Parameters
    ----------
    store : Store
        Our store.

    Returns
    -------
    dict
        Column name -> values as the data spells them; columns with more than ``MAX_VALUES``
        distinct values are left out.
    """
    seen: dict[str, set[str]] = {}
    with store.connect() as conn:
        for (attributes,) in conn.execute(select(CUSTOMERS.c.attributes)):
            for column, value in (attributes or {}).items():
                if isinstance(value, str) and value.strip():
                    seen.setdefault(str(column), set()).add(value.strip())
    return {c: sorted(v) for c, v in seen.items() if len(v) <= MAX_VALUES}
