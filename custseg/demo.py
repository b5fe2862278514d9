"""Synthetic book of business for demos and tests.

The demo book imitates a B2B wholesaler: about 2,000 named business customers, six account
managers and a few years of orders up to a fixed ``end`` date.  It is built so that every
question the chat assistant can be asked has a non-trivial answer: revenue is concentrated in
a few accounts, some valuable customers went quiet, some are fading, some are brand new.

Customer archetypes (shares in :data:`ARCHETYPE_SHARES`)
--------------------------------------------------------
steady
    Buys all the time with a personal rhythm: a few heavy distributors every 2-4 days, then
    weekly, fortnightly, monthly and quarterly buyers (:data:`STEADY_RHYTHMS`).  Gaps between
    orders are gamma-distributed around the customer's mean gap, and order values drift a
    little per year so that some accounts grow and others shrink.
seasonal
    Orders mostly in a few months each year: before Christmas, in spring, in early summer or
    before the school year (:data:`SEASONS`), with the odd off-season top-up.
one_off, two_off
    One or two orders and never again, which is a large share of a real B2B book.
key_account
    Roughly 5-8 big accounts per account manager with high order values.  A share of them
    (:data:`DORMANT_KEY_ACCOUNT_SHARE`) went quiet: their last order lies 3.5-8 times their
    usual gap before ``end``.
declining
    Regular buyers whose orders became sparser and smaller over the last ~6 months.
churned
    Used to buy regularly but stopped one to two-plus years before ``end``.
new
    First order within the last ~90 days; some have ordered once, some already several times.

Order values are log-normal per customer, and a small share of orders
(:data:`RETURN_RATE`) is followed by a credit note: a negative amount with its own order id,
dated after the order it refers to and smaller than it.

Some well-known demo names carry fixed stories ("Acme Corp" a steady champion, "Globex" a
key account gone quiet, "Initech" declining, "Hooli" new, ...), and "Acme Logistics" and
"Globex Retail" exist to exercise "did you mean" matching.

Everything is drawn from one ``numpy.random.default_rng(seed)``, and nothing depends on
today's date, so the same arguments always give byte-identical CSV files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "ARCHETYPE_SHARES",
    "DORMANT_KEY_ACCOUNT_SHARE",
    "OWNER_SHARES",
    "RETURN_RATE",
    "DemoBook",
    "make_demo_book",
    "to_csv",
]

# --- tuning knobs -----------------------------------------------------------------------

#: Share of customers per archetype; must sum to 1.
ARCHETYPE_SHARES: dict[str, float] = {
    "steady": 0.35,
    "seasonal": 0.08,
    "one_off": 0.22,
    "two_off": 0.11,
    "key_account": 0.02,
    "declining": 0.07,
    "churned": 0.10,
    "new": 0.05,
}

#: Share of key accounts whose last order lies 3.5-8 usual gaps before ``end``.
DORMANT_KEY_ACCOUNT_SHARE = 0.4

#: Dormant key accounts went quiet this many of their usual gaps before ``end``.
DORMANT_GAP_FACTOR = (3.5, 8.0)

#: Steady buyers: (share, (shortest, longest) mean gap in days).
STEADY_RHYTHMS: dict[str, tuple[float, tuple[float, float]]] = {
    "distributor": (0.04, (2.0, 4.0)),
    "weekly": (0.24, (5.0, 9.0)),
    "fortnightly": (0.24, (10.0, 18.0)),
    "monthly": (0.31, (22.0, 40.0)),
    "quarterly": (0.17, (60.0, 110.0)),
}

#: Seasonal profiles: month -> relative weight of ordering in that month.
SEASONS: dict[str, dict[int, float]] = {
    "christmas": {9: 0.15, 10: 0.35, 11: 0.4, 12: 0.1},
    "spring": {3: 0.3, 4: 0.4, 5: 0.3},
    "summer": {5: 0.2, 6: 0.45, 7: 0.35},
    "back_to_school": {7: 0.45, 8: 0.55},
}

#: Probability that an order is followed by a (partial) credit note.
RETURN_RATE = 0.025

#: Account managers and their (deliberately unequal) share of the ordinary customers.
OWNER_SHARES: dict[str, float] = {
    "Maria": 0.24,
    "John": 0.20,
    "Priya": 0.18,
    "Lukas": 0.15,
    "Aiko": 0.13,
    "Diego": 0.10,
}

#: Regions each owner covers, with weights; a few customers fall outside (legacy accounts).
OWNER_REGIONS: dict[str, dict[str, float]] = {
    "Maria": {"EMEA": 1.0},
    "John": {"North America": 1.0},
    "Priya": {"APAC": 0.7, "EMEA": 0.3},
    "Lukas": {"EMEA": 1.0},
    "Aiko": {"APAC": 1.0},
    "Diego": {"LATAM": 0.75, "North America": 0.25},
}
OUT_OF_REGION_SHARE = 0.06

#: Countries per region with weights.
COUNTRIES: dict[str, dict[str, float]] = {
    "EMEA": {
        "Germany": 0.24,
        "United Kingdom": 0.18,
        "France": 0.14,
        "Netherlands": 0.1,
        "Spain": 0.08,
        "Italy": 0.08,
        "Sweden": 0.05,
        "Poland": 0.05,
        "United Arab Emirates": 0.04,
        "South Africa": 0.04,
    },
    "North America": {"United States": 0.82, "Canada": 0.18},
    "APAC": {
        "Japan": 0.22,
        "Australia": 0.22,
        "Singapore": 0.14,
        "India": 0.14,
        "South Korea": 0.1,
        "China": 0.1,
        "New Zealand": 0.08,
    },
    "LATAM": {
        "Brazil": 0.34,
        "Mexico": 0.3,
        "Argentina": 0.1,
        "Chile": 0.1,
        "Colombia": 0.1,
        "Peru": 0.06,
    },
}

# --- names ------------------------------------------------------------------------------

_PREFIXES = (
    "Northwind", "Blue Harbor", "Kestrel", "Silver Birch", "Redwood", "Ironbridge", "Crescent",
    "Summit", "Harborview", "Oakridge", "Falcon", "Granite", "Meridian", "Cobalt", "Evergreen",
    "Brightwater", "Stonegate", "Pinecrest", "Riverbend", "Coastal", "Highland", "Lakeside",
    "Northstar", "Sunrise", "Westfield", "Eastgate", "Maplewood", "Copperfield", "Silverline",
    "Bluebird", "Trident", "Atlas", "Orion", "Polaris", "Vertex", "Apex", "Horizon", "Pioneer",
    "Frontier", "Heritage", "Keystone", "Landmark", "Liberty", "Pacific", "Atlantic", "Nordic",
    "Alpine", "Baltic", "Sierra", "Cascade", "Canyon", "Prairie", "Willow", "Cedar", "Aspen",
    "Juniper", "Magnolia", "Harbor Point", "Greenfield", "Fairway", "Clearwater", "Deepwater",
    "Seabright", "Starling", "Heron", "Osprey", "Lynx", "Badger", "Otter", "Bison", "Condor",
    "Mistral", "Sirocco", "Zephyr", "Monsoon", "Aurora", "Solstice", "Equinox", "Nimbus",
    "Stratus", "Helix", "Zenith", "Sterling", "Regal", "Crown", "Anchor", "Lighthouse",
    "Windmill", "Red Lantern", "Jade River", "Lotus", "Sakura", "Kiwi", "Andes", "Pampas",
    "Rheinland", "Hanse", "Iberia", "Tasman", "Mekong", "Elbe", "Danube", "Fjord", "Saffron",
)  # fmt: skip

_SURNAMES = (
    "Miller", "Becker", "Okafor", "Hartmann", "Dubois", "Rossi", "Fischer", "Novak", "Lindqvist",
    "Costa", "Moreau", "Keller", "Brennan", "Sato", "Nakamura", "Patel", "Sharma", "Lopez",
    "Ferreira", "Alvarez", "Kowalski", "Jansen", "Walsh", "Murphy", "O'Neill", "Schmidt",
    "Takahashi", "Chen", "Da Silva", "Vargas",
)  # fmt: skip

_SURNAME_PATTERNS = ("{} & Sons", "{} & Co", "{} Brothers")

#: Trade words, with the industry they suggest (None: any industry).
_TRADES: dict[str, str | None] = {
    "Traders": None,
    "Trading Co": None,
    "Group": None,
    "Holdings": None,
    "Partners": None,
    "Enterprises": None,
    "Industries": "Manufacturing",
    "Logistics": "Logistics",
    "Freight": "Logistics",
    "Foods": "Food & Beverage",
    "Provisions": "Food & Beverage",
    "Beverages": "Food & Beverage",
    "Bakeries": "Food & Beverage",
    "Supply Co": "Wholesale & Distribution",
    "Supplies": "Wholesale & Distribution",
    "Distribution": "Wholesale & Distribution",
    "Wholesale": "Wholesale & Distribution",
    "Imports": "Wholesale & Distribution",
    "Retail": "Retail",
    "Markets": "Retail",
    "Stores": "Retail",
    "Catering": "Hospitality",
    "Hotels": "Hospitality",
    "Builders": "Construction",
    "Construction": "Construction",
    "Engineering": "Manufacturing",
    "Manufacturing": "Manufacturing",
    "Tools": "Manufacturing",
    "Hardware": "Construction",
    "Electronics": "Technology",
    "Systems": "Technology",
    "Technologies": "Technology",
    "Pharma": "Healthcare",
    "Medical": "Healthcare",
    "Health": "Healthcare",
    "Motors": "Automotive",
    "Auto Parts": "Automotive",
    "Textiles": "Textiles & Apparel",
    "Apparel": "Textiles & Apparel",
    "Farms": "Agriculture",
    "Agri": "Agriculture",
    "Chemicals": "Chemicals",
    "Packaging": "Manufacturing",
    "Energy": "Energy",
    "Office Supplies": "Office & Furniture",
    "Furniture": "Office & Furniture",
}

_INDUSTRIES = tuple(sorted({v for v in _TRADES.values() if v is not None}))

#: Legal forms that fit each country, sometimes appended to a name.
_LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "Germany": ("GmbH", "AG"),
    "United Kingdom": ("Ltd", "PLC"),
    "France": ("SAS", "SARL"),
    "Netherlands": ("B.V.",),
    "Spain": ("S.L.", "S.A."),
    "Italy": ("S.r.l.", "S.p.A."),
    "Sweden": ("AB",),
    "Poland": ("Sp. z o.o.",),
    "United Arab Emirates": ("LLC", "FZE"),
    "South Africa": ("(Pty) Ltd",),
    "United States": ("Inc", "LLC"),
    "Canada": ("Inc", "Ltd"),
    "Japan": ("K.K.",),
    "Australia": ("Pty Ltd",),
    "Singapore": ("Pte Ltd",),
    "India": ("Pvt Ltd",),
    "South Korea": ("Co., Ltd",),
    "China": ("Co., Ltd",),
    "New Zealand": ("Ltd",),
    "Brazil": ("Ltda",),
    "Mexico": ("S.A. de C.V.",),
    "Argentina": ("S.A.", "S.R.L."),
    "Chile": ("SpA", "Ltda"),
    "Colombia": ("S.A.S.",),
    "Peru": ("S.A.C.",),
}
LEGAL_FORM_SHARE = 0.4

#: Demo customers with fixed stories.  ``value`` is the median order value; ``gap`` the
#: mean gap between orders in days.
_NAMED: tuple[dict[str, Any], ...] = (
    {"name": "Acme Corp", "archetype": "key_account", "owner": "John", "region": "North America",
     "country": "United States", "industry": "Manufacturing", "gap": 4.0, "value": 9_000.0,
     "dormant": False},
    {"name": "Acme Logistics", "archetype": "steady", "owner": "Maria", "region": "EMEA",
     "country": "Netherlands", "industry": "Logistics", "gap": 30.0, "value": 1_400.0},
    {"name": "Globex", "archetype": "key_account", "owner": "Maria", "region": "EMEA",
     "country": "Germany", "industry": "Technology", "gap": 9.0, "value": 14_000.0,
     "dormant": True, "dormant_factor": 7.0},
    {"name": "Globex Retail", "archetype": "steady", "owner": "Aiko", "region": "APAC",
     "country": "Australia", "industry": "Retail", "gap": 14.0, "value": 900.0},
    {"name": "Initech", "archetype": "declining", "owner": "John", "region": "North America",
     "country": "United States", "industry": "Technology", "gap": 8.0, "value": 3_500.0},
    {"name": "Umbrella Corp", "archetype": "churned", "owner": "Lukas", "region": "EMEA",
     "country": "United Kingdom", "industry": "Healthcare", "gap": 12.0, "value": 6_000.0},
    {"name": "Hooli", "archetype": "new", "owner": "Priya", "region": "APAC",
     "country": "Singapore", "industry": "Technology", "gap": 9.0, "value": 4_000.0,
     "n_orders": 5},
    {"name": "Stark Industries", "archetype": "key_account", "owner": "John",
     "region": "North America", "country": "United States", "industry": "Manufacturing",
     "gap": 7.0, "value": 18_000.0, "dormant": False},
    {"name": "Wayne Enterprises", "archetype": "steady", "owner": "Diego",
     "region": "North America", "country": "United States", "industry": "Construction",
     "gap": 25.0, "value": 7_500.0},
    {"name": "Wonka Foods", "archetype": "seasonal", "owner": "Lukas", "region": "EMEA",
     "country": "United Kingdom", "industry": "Food & Beverage", "season": "christmas",
     "value": 5_000.0},
    {"name": "Soylent", "archetype": "steady", "owner": "Aiko", "region": "APAC",
     "country": "Japan", "industry": "Food & Beverage", "gap": 3.0, "value": 1_800.0},
    {"name": "Vandelay Industries", "archetype": "one_off", "owner": "Diego", "region": "LATAM",
     "country": "Mexico", "industry": "Wholesale & Distribution", "value": 12_000.0},
)  # fmt: skip

_MIN_CUSTOMERS = 2 * len(_NAMED)


@dataclass(frozen=True, eq=False)
class DemoBook:
    """A synthetic book of business.

    Attributes
    ----------
    customers : pandas.DataFrame
        One row per customer: ``customer_id``, ``name``, ``owner``, ``region``, ``industry``,
        ``country``.
    orders : pandas.DataFrame
        One row per order or credit note, sorted by time: ``order_id``, ``customer_id``,
        ``ordered_at`` (naive ``datetime64[ns]`` in business hours) and ``amount`` (credit
        notes negative).
    """

    customers: pd.DataFrame
    orders: pd.DataFrame


# --- small helpers ----------------------------------------------------------------------


def _allocate(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Split ``total`` into integer counts proportional to ``shares`` (largest remainder)."""
    keys = list(shares)
    raw = np.array([shares[k] for k in keys], dtype=float)
    raw = raw / raw.sum() * total
    counts = np.floor(raw).astype(int)
    # Stable sort keeps the result independent of floating-point ties.
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return dict(zip(keys, counts.tolist(), strict=True))


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _window_start(end: date, years: int) -> date:
    try:
        return end.replace(year=end.year - years)
    except ValueError:  # 29 February
        return end.replace(year=end.year - years, day=28)


def _gamma_timeline(rng: np.random.Generator, t0: float, t1: float, gap: float, shape: float) -> np.ndarray:
    """Order days from ``t0`` to ``t1`` with gamma gaps of mean ``gap``."""
    if t1 < t0:
        return np.array([t0])
    n = int((t1 - t0) / gap * 1.3) + 8
    steps = rng.gamma(shape, gap / shape, size=n)
    days = t0 + np.concatenate(([0.0], np.cumsum(steps)))
    while days[-1] <= t1:  # rare: the draw ran short
        more = rng.gamma(shape, gap / shape, size=n)
        days = np.concatenate((days, days[-1] + np.cumsum(more)))
    return days[days <= t1]


# --- customers --------------------------------------------------------------------------


def _customer_names(rng: np.random.Generator, n: int) -> list[tuple[str, str | None]]:
    """``n`` distinct (base name, industry hint) pairs, none clashing with the demo names."""
    grid: list[tuple[str, str | None]] = [
        (f"{p} {t}", hint) for p in _PREFIXES for t, hint in _TRADES.items()
    ]
    grid += [(pattern.format(s), None) for s in _SURNAMES for pattern in _SURNAME_PATTERNS]
    reserved = {c["name"] for c in _NAMED}
    grid = [g for g in grid if g[0] not in reserved]
    if n > len(grid):
        raise ValueError(f"at most {len(grid) + len(_NAMED)} customers are supported")
    idx = rng.choice(len(grid), size=n, replace=False)
    return [grid[i] for i in idx]


def _make_customers(rng: np.random.Generator, n_customers: int) -> list[dict[str, Any]]:
    """Customer records with archetype and behaviour parameters (not yet with ids)."""
    counts = _allocate(n_customers, ARCHETYPE_SHARES)
    named_per_type: dict[str, int] = {}
    for c in _NAMED:
        named_per_type[c["archetype"]] = named_per_type.get(c["archetype"], 0) + 1
    minimum = {k: named_per_type.get(k, 0) for k in counts}
    minimum["key_account"] = max(minimum["key_account"], len(OWNER_SHARES))
    counts = {k: max(v, minimum[k]) for k, v in counts.items()}
    # Small books: the minimums above overshoot, so trim the pools with the most slack.
    while sum(counts.values()) > n_customers:
        slack = max(counts, key=lambda k: counts[k] - minimum[k])
        counts[slack] -= 1

    records: list[dict[str, Any]] = [dict(c, named=True) for c in _NAMED]
    pool: list[str] = []
    for archetype, count in counts.items():
        pool += [archetype] * (count - named_per_type.get(archetype, 0))
    names = _customer_names(rng, len(pool))

    # Key accounts are spread evenly over owners, as a sales org would assign them.
    n_key = counts["key_account"]
    key_load = dict.fromkeys(OWNER_SHARES, 0)
    for c in _NAMED:
        if c["archetype"] == "key_account":
            key_load[c["owner"]] += 1
    key_owners = []
    for _ in range(n_key - sum(key_load.values())):
        owner = min(key_load, key=lambda o: key_load[o])
        key_owners.append(owner)
        key_load[owner] += 1
    key_owners = [key_owners[i] for i in rng.permutation(len(key_owners))]
    n_dormant = round(n_key * DORMANT_KEY_ACCOUNT_SHARE) - sum(
        1 for c in _NAMED if c["archetype"] == "key_account" and c["dormant"]
    )
    dormant_flags = rng.permutation(
        [True] * max(n_dormant, 0) + [False] * (len(key_owners) - max(n_dormant, 0))
    )

    owners = list(OWNER_SHARES)
    owner_p = np.array(list(OWNER_SHARES.values()))
    key_i = 0
    for archetype, (base, hint) in zip(pool, names, strict=True):
        if archetype == "key_account":
            owner = key_owners[key_i]
            dormant = bool(dormant_flags[key_i])
            key_i += 1
        else:
            owner = owners[int(rng.choice(len(owners), p=owner_p / owner_p.sum()))]
            dormant = False
        if rng.random() < OUT_OF_REGION_SHARE:
            region = str(rng.choice(list(COUNTRIES)))
        else:
            region = _pick(rng, OWNER_REGIONS[owner])
        country = _pick(rng, COUNTRIES[region])
        industry = hint if hint is not None else str(rng.choice(_INDUSTRIES))
        name = base
        if rng.random() < LEGAL_FORM_SHARE:
            name = f"{base} {rng.choice(_LEGAL_FORMS[country])}"
        records.append(
            {
                "name": name,
                "archetype": archetype,
                "owner": owner,
                "region": region,
                "country": country,
                "industry": industry,
                "dormant": dormant,
                "named": False,
            }
        )
    return records


# --- orders -----------------------------------------------------------------------------


def _steady_gap(rng: np.random.Generator) -> float:
    labels = list(STEADY_RHYTHMS)
    p = np.array([STEADY_RHYTHMS[k][0] for k in labels])
    lo, hi = STEADY_RHYTHMS[labels[int(rng.choice(len(labels), p=p / p.sum()))]][1]
    return float(rng.uniform(lo, hi))


def _bulk_median(rng: np.random.Generator, gap: float, typical: float) -> float:
    # Customers who order rarely order more at a time.
    return typical * float(rng.lognormal(0.0, 0.8)) * (gap / 7.0) ** 0.45


def _customer_orders(
    rng: np.random.Generator, c: dict[str, Any], horizon: float, years_span: tuple[date, date]
) -> tuple[np.ndarray, np.ndarray]:
    """Order days (float, from window start) and log order values for one customer."""
    kind = c["archetype"]
    t_end = horizon
    drift = float(rng.normal(0.02, 0.12))  # per year: some accounts grow, some shrink
    sigma = float(rng.uniform(0.3, 0.7))
    shape = float(rng.uniform(2.5, 8.0))
    shrink: np.ndarray | None = None

    if kind == "steady":
        gap = c.get("gap") or _steady_gap(rng)
        median = c.get("value") or _bulk_median(rng, gap, 450.0)
        # Most were already customers when the window opens; the rest joined later.
        t0 = rng.uniform(0, gap) if c["named"] or rng.random() < 0.7 else rng.uniform(0, 0.7 * horizon)
        days = _gamma_timeline(rng, t0, t_end, gap, shape)
    elif kind == "key_account":
        gap = c.get("gap") or float(rng.uniform(5.0, 16.0))
        median = c.get("value") or float(rng.uniform(5_000.0, 22_000.0))
        sigma = float(rng.uniform(0.3, 0.5))
        shape = max(shape, 5.0)
        if c["dormant"]:
            factor = c.get("dormant_factor") or float(rng.uniform(*DORMANT_GAP_FACTOR))
            t_end = horizon - factor * gap
        days = _gamma_timeline(rng, rng.uniform(0, gap), t_end, gap, shape)
    elif kind == "seasonal":
        season = SEASONS[c.get("season") or str(rng.choice(list(SEASONS)))]
        median = c.get("value") or float(rng.lognormal(math.log(1_800.0), 0.8))
        per_season = float(rng.uniform(3.0, 10.0))
        start, end = years_span
        first_year = (
            start.year if c["named"] or rng.random() < 0.8 else int(rng.integers(start.year, end.year + 1))
        )
        months = np.array(list(season))
        month_p = np.array(list(season.values()))
        chunks = []
        for year in range(first_year, end.year + 1):
            k = max(int(rng.poisson(per_season)), 1)
            picked = months[rng.choice(len(months), size=k, p=month_p / month_p.sum())]
            month_start = np.array([(date(year, int(m), 1) - start).days for m in picked], dtype=float)
            chunks.append(month_start + rng.uniform(0, 28, size=k))
            # The odd off-season top-up.
            off = int(rng.poisson(0.8))
            chunks.append((date(year, 1, 1) - start).days + rng.uniform(0, 365, size=off))
        days = np.sort(np.concatenate(chunks))
        days = days[(days >= 0) & (days <= horizon)]
        if days.size == 0:
            days = np.array([rng.uniform(0, horizon)])
    elif kind == "one_off":
        median = c.get("value") or float(rng.lognormal(math.log(900.0), 1.0))
        days = np.array([rng.uniform(0, horizon - 95)])
    elif kind == "two_off":
        median = float(rng.lognormal(math.log(900.0), 1.0))
        once = float(rng.uniform(0, horizon - 120))
        again = once + min(rng.gamma(2.0, 60.0), rng.uniform(0.3, 1.0) * (horizon - once)) + 1
        days = np.array([once, again])
    elif kind == "declining":
        gap = c.get("gap") or float(rng.uniform(6.0, 30.0))
        median = c.get("value") or _bulk_median(rng, gap, 700.0)
        decline_from = horizon - float(rng.uniform(150.0, 210.0))
        slowdown = float(rng.uniform(3.0, 5.0))
        floor = float(rng.uniform(0.25, 0.5))
        steps = rng.gamma(shape, 1.0 / shape, size=int(horizon / gap * 1.2) + 200)
        t = float(rng.uniform(0, gap))
        out = []
        for step in steps:  # gaps depend on where we are, so walk the timeline
            if t > horizon:
                break
            out.append(t)
            progress = max(0.0, (t - decline_from) / (horizon - decline_from))
            t += gap * (1.0 + (slowdown - 1.0) * progress) * step
        days = np.array(out)
        shrink = np.log(1.0 - (1.0 - floor) * np.clip((days - decline_from) / (horizon - decline_from), 0, 1))
    elif kind == "churned":
        gap = c.get("gap") or float(rng.uniform(8.0, 60.0))
        median = c.get("value") or _bulk_median(rng, gap, 500.0)
        ago = float(rng.uniform(min(365.0, 0.5 * horizon), min(900.0, 0.85 * horizon)))
        t_end = horizon - ago
        days = _gamma_timeline(rng, rng.uniform(0, min(gap, t_end)), t_end, gap, shape)
    elif kind == "new":
        median = c.get("value") or float(rng.lognormal(math.log(900.0), 0.9))
        first = horizon - float(rng.uniform(4.0, 85.0))
        n_orders = c.get("n_orders") or (1 if rng.random() < 0.4 else int(rng.integers(2, 7)))
        if n_orders == 1:
            days = np.array([first])
        else:
            spacing = (horizon - first) / n_orders
            days = np.sort(
                first + np.concatenate(([0.0], rng.uniform(0.3, 1.0, n_orders - 1).cumsum() * spacing))
            )
            days = days[days <= horizon]
    else:  # pragma: no cover - guarded by ARCHETYPE_SHARES
        raise ValueError(f"unknown archetype {kind!r}")

    log_values = math.log(median) + drift * days / 365.25 + rng.normal(0.0, sigma, size=days.size)
    if shrink is not None:
        log_values = log_values + shrink
    return days, log_values


def _holidays(start: date, end: date) -> list[np.datetime64]:
    """New Year and Christmas: nobody orders, so the calendar skips them."""
    return [
        np.datetime64(f"{y}-{md}")
        for y in range(start.year, end.year + 1)
        for md in ("01-01", "12-25", "12-26")
    ]


def _business_days(
    days: np.ndarray, horizon: float, first: np.datetime64, n_busdays: int, holidays: list[np.datetime64]
) -> np.ndarray:
    """Map calendar-day offsets in ``[0, horizon]`` linearly onto the business days of the window.

    A linear map spreads orders evenly over Monday-Friday, whereas rolling weekend dates to the
    nearest weekday would pile them up on Mondays and Fridays.
    """
    k = np.clip(np.floor(days / horizon * n_busdays), 0, n_busdays - 1).astype(np.int64)
    return np.busday_offset(first, k, roll="forward", holidays=holidays)


def _times_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight: a morning and an early-afternoon peak within 08:00-18:00."""
    peak = np.where(rng.random(n) < 0.6, 10.0, 14.5) * 3600
    secs = rng.normal(peak, 1.4 * 3600)
    # Redraw rather than clip, so that no spike forms at opening or closing time.
    outside = (secs < 8 * 3600) | (secs >= 18 * 3600)
    secs[outside] = rng.uniform(8 * 3600, 18 * 3600, size=int(outside.sum()))
    return secs.astype(np.int64)


# --- public API -------------------------------------------------------------------------


def make_demo_book(
    seed: int = 7, n_customers: int = 2000, end: date = date(2026, 11, 13), years: int = 3
) -> DemoBook:
    """Generate a deterministic synthetic B2B book of business.

    Parameters
    ----------
    seed : int
        Seed for ``numpy.random.default_rng``; the same arguments give the same book.
    n_customers : int
        Number of customers, including the twelve named demo customers.
    end : datetime.date
        Last day of the book; no order is dated later.
    years : int
        Length of the history in years; no order is dated before ``end`` minus ``years``.

    Returns
    -------
    DemoBook
        Customers and orders (credit notes as negative amounts).

    Raises
    ------
    ValueError
        If ``n_customers`` is too small to hold the demo stories or too large for the name
        lists, or ``years`` is below one.
    """
    if n_customers < _MIN_CUSTOMERS:
        raise ValueError(f"n_customers must be at least {_MIN_CUSTOMERS}")
    if years < 1:
        raise ValueError("years must be at least 1")
    rng = np.random.default_rng(seed)
    start = _window_start(end, years)
    horizon = float((end - start).days)
    holidays = _holidays(start, end)
    first_bd = np.busday_offset(np.datetime64(start, "D"), 0, roll="forward", holidays=holidays)
    last_bd = np.busday_offset(np.datetime64(end, "D"), 0, roll="backward", holidays=holidays)
    n_busdays = int(np.busday_count(first_bd, last_bd + np.timedelta64(1, "D"), holidays=holidays))

    records = _make_customers(rng, n_customers)
    cust_idx, all_days, all_logv = [], [], []
    for i, c in enumerate(records):
        days, logv = _customer_orders(rng, c, horizon, (start, end))
        cust_idx.append(np.full(days.size, i))
        all_days.append(days)
        all_logv.append(logv)
    idx = np.concatenate(cust_idx)
    order_day = _business_days(np.concatenate(all_days), horizon, first_bd, n_busdays, holidays)
    amount = np.round(np.maximum(np.exp(np.concatenate(all_logv)), 25.0), 2)

    # Credit notes: partial refunds of one order, a few days to weeks later, still in the book.
    rate = rng.beta(2.0, 2.0 / RETURN_RATE - 2.0, size=len(records))
    has_return = rng.random(idx.size) < rate[idx]
    src = np.flatnonzero(has_return)
    lag = 1 + np.floor(rng.gamma(2.0, 4.0, size=src.size)).astype(np.int64)  # business days
    ret_day = np.busday_offset(order_day[src], lag, roll="forward", holidays=holidays)
    keep = ret_day <= last_bd
    src, ret_day = src[keep], ret_day[keep]
    fraction = rng.uniform(0.05, 0.8, size=src.size)
    ret_amount = -np.round(amount[src] * fraction, 2)

    idx = np.concatenate((idx, idx[src]))
    day = np.concatenate((order_day, ret_day))
    amount = np.concatenate((amount, ret_amount))
    is_credit = np.concatenate((np.zeros(order_day.size, bool), np.ones(src.size, bool)))
    ts = day.astype("datetime64[s]") + _times_of_day(rng, day.size).astype("timedelta64[s]")

    # Customer numbers follow account opening, as in a real ERP.
    first_ts = pd.Series(ts).groupby(idx).min()
    id_order = np.lexsort((first_ts.index.to_numpy(), first_ts.to_numpy()))
    width = max(5, len(str(n_customers)))
    cust_ids = np.empty(len(records), dtype=object)
    cust_ids[first_ts.index.to_numpy()[id_order]] = [f"C{k + 1:0{width}d}" for k in range(len(records))]

    customers = pd.DataFrame(
        {
            "customer_id": cust_ids,
            "name": [c["name"] for c in records],
            "owner": [c["owner"] for c in records],
            "region": [c["region"] for c in records],
            "industry": [c["industry"] for c in records],
            "country": [c["country"] for c in records],
        }
    )
    customers = customers.sort_values("customer_id", kind="stable").reset_index(drop=True)

    sort = np.lexsort((is_credit, idx, ts))
    ts, idx, amount, is_credit = ts[sort], idx[sort], amount[sort], is_credit[sort]
    width = max(7, len(str(ts.size)))
    prefix = np.where(is_credit, "CN-", "SO-")
    order_ids = [f"{p}{k + 1:0{width}d}" for k, p in enumerate(prefix)]
    orders = pd.DataFrame(
        {
            "order_id": order_ids,
            "customer_id": cust_ids[idx],
            "ordered_at": pd.to_datetime(ts).astype("datetime64[ns]"),
            "amount": amount.astype(float),
        }
    )
    return DemoBook(customers=customers, orders=orders)


def to_csv(book: DemoBook, folder: str | Path) -> tuple[Path, Path]:
    """Write ``customers.csv`` and ``orders.csv`` (ISO timestamps) into ``folder``.

    Parameters
    ----------
    book : DemoBook
        The book to write.
    folder : str or pathlib.Path
        Target folder; created if missing.

    Returns
    -------
    tuple of pathlib.Path
        Paths of the customers and orders files.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    customers_path = folder / "customers.csv"
    orders_path = folder / "orders.csv"
    book.customers.to_csv(customers_path, index=False, lineterminator="\n")
    book.orders.to_csv(
        orders_path, index=False, lineterminator="\n", date_format="%Y-%m-%dT%H:%M:%S", float_format="%.2f"
    )
    return customers_path, orders_path
