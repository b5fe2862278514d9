"""Deterministic synthetic orders for the benchmarks, cached as Parquet under ``bench/.data/``.

Shape of the data (chosen to look like a real B2B/B2C order export, not a uniform toy):

- ``customer_id``: string ids such as ``"C0012345"`` — what a CRM / warehouse export usually
  carries, and what custseg's own store uses (``customers.id`` is a VARCHAR). ``id_kind="int"``
  gives int64 surrogate keys instead (the other common export shape); custseg handles both, it
  turns ids into str in ``aggregate._finish``.
- ``ordered_at``: datetime64[ns], whole seconds, over three years (2023-01-01 .. 2025-12-31).
  Every customer has its own buying rate (log-normal, so frequencies are heavily skewed: most
  customers order a handful of times, a few hundred times), its own first-order day (some joined
  before the window) and, for ~60 %, a churn day after which they stop buying.
- ``amount``: log-normal around a customer-specific basket size; ~2 % of orders are returns
  (negative amounts).

The file is sorted by ``ordered_at`` like a typical export. Everything is drawn from one seeded
``numpy.random.Generator``, so the same arguments always give the same bytes-for-value data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parent / ".data"
START = np.datetime64("2023-01-01T00:00:00", "s")
END = np.datetime64("2026-01-01T00:00:00", "s")
AS_OF = dt.date(2025, 12, 31)
RETURN_SHARE = 0.02
OWNERS = [
    f"{first} {last}"
    for first, last in zip(
        [
            "Anna",
            "Ben",
            "Carla",
            "David",
            "Elena",
            "Farid",
            "Greta",
            "Hugo",
            "Ines",
            "Jonas",
            "Karin",
            "Luis",
            "Marta",
            "Nils",
            "Olga",
            "Paul",
            "Rosa",
            "Sven",
            "Tara",
            "Uwe",
        ],
        [
            "Berg",
            "Costa",
            "Dahl",
            "Engel",
            "Fischer",
            "Gomez",
            "Hahn",
            "Ivanova",
            "Jensen",
            "Kraus",
            "Lind",
            "Moreau",
            "Novak",
            "Ortiz",
            "Petrov",
            "Quinn",
            "Rossi",
            "Schmidt",
            "Torres",
            "Ueda",
        ],
        strict=True,
    )
]
REGIONS = ["North", "South", "East", "West", "Central", "Alps", "Coast", "Islands"]


def customer_ids(n_customers: int, id_kind: str = "str") -> np.ndarray:
    """The ids of customers 0..n-1 (sparse, like real keys: not 0..n-1 themselves)."""
    raw = 1_000_000 + np.arange(n_customers, dtype=np.int64) * 7
    if id_kind == "int":
        return raw
    return np.array([f"C{i:08d}" for i in raw.tolist()], dtype=object)


def _customer_params(n_customers: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    span = float((END - START).astype("int64"))
    rate = rng.lognormal(mean=0.0, sigma=1.1, size=n_customers)  # relative buying rate
    # First order: 25 % joined before the window (start at 0), the rest spread over it, later
    # arrivals a little more frequent (a growing book).
    join = np.where(rng.random(n_customers) < 0.25, 0.0, rng.power(1.3, n_customers) * 0.97)
    # 60 % churn at some point after joining; the others are still buying at the end.
    churn = np.where(
        rng.random(n_customers) < 0.6,
        join + (1 - join) * rng.beta(1.2, 1.5, n_customers),
        1.0,
    )
    churn = np.maximum(churn, join + 2 * 86400 / span)  # at least two days of life
    basket = rng.lognormal(mean=4.0, sigma=0.8, size=n_customers)  # ~55 currency units median
    return {"rate": rate, "join": join, "churn": np.minimum(churn, 1.0), "basket": basket}


def make_orders(n_orders: int, n_customers: int, seed: int = 42, id_kind: str = "str") -> pd.DataFrame:
    """``n_orders`` orders of ``n_customers`` customers (each has at least one), deterministic.

    Returns
    -------
    DataFrame
        ``customer_id`` (str ``"C…"`` or int64), ``ordered_at`` (datetime64[ns]), ``amount`` (float64).
    """
    if n_orders < n_customers:
        raise ValueError("need at least one order per customer")
    rng = np.random.default_rng(seed)
    p = _customer_params(n_customers, rng)
    life = p["churn"] - p["join"]
    weight = p["rate"] * life  # expected orders ∝ rate × time alive
    extra = rng.multinomial(n_orders - n_customers, weight / weight.sum())
    counts = 1 + extra
    cust = np.repeat(np.arange(n_customers, dtype=np.int64), counts)
    # Each order uniform within its customer's life (rhythm = life / count, customer-specific).
    u = rng.random(n_orders)
    pos = p["join"][cust] + u * life[cust]
    span = (END - START).astype("int64")
    seconds = np.minimum((pos * span).astype(np.int64), span - 1)
    ts = (START + seconds.astype("timedelta64[s]")).astype("datetime64[ns]")
    amount = p["basket"][cust] * rng.lognormal(mean=0.0, sigma=0.6, size=n_orders)
    is_return = rng.random(n_orders) < RETURN_SHARE
    amount = np.where(is_return, -amount * rng.uniform(0.2, 1.0, n_orders), amount).round(2)
    order = np.argsort(ts, kind="stable")
    ids = customer_ids(n_customers, id_kind)
    return pd.DataFrame(
        {
            "customer_id": ids[cust[order]],
            "ordered_at": ts[order],
            "amount": amount[order],
        }
    )


# Parts of company-like names ("Northern Oak Traders"): real books name customers in words, which
# is what the parser's typo index must cope with ("Customer 4242" can only match itself).
_NAME_FIRST = [
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Central",
    "Coastal",
    "Alpine",
    "Royal",
    "Golden",
    "Silver",
    "Blue",
    "Green",
    "Red",
    "Grand",
    "United",
    "Pacific",
    "Atlantic",
    "Global",
    "Metro",
    "Urban",
    "Rural",
    "Prime",
    "Summit",
    "Pioneer",
    "Liberty",
    "Heritage",
    "Crown",
    "Eagle",
    "Falcon",
    "Harbor",
    "River",
    "Lake",
    "Forest",
    "Valley",
    "Meadow",
    "Stone",
    "Iron",
    "Copper",
    "Oak",
    "Maple",
    "Cedar",
    "Pine",
    "Birch",
    "Willow",
    "Aspen",
    "Rose",
    "Lotus",
    "Orchid",
    "Sunrise",
    "Sunset",
    "Horizon",
    "Crystal",
    "Diamond",
    "Emerald",
    "Sapphire",
    "Ruby",
    "Amber",
    "Ivory",
    "Onyx",
    "Granite",
    "Marble",
    "Bright",
    "Swift",
    "Rapid",
    "Noble",
    "Brave",
    "Bold",
    "Clever",
    "Quick",
    "Happy",
    "Lucky",
    "Sunny",
    "Misty",
    "Windy",
    "Snowy",
    "Stormy",
    "Quiet",
    "Gentle",
    "Wild",
    "Fresh",
    "Modern",
    "Classic",
    "Vintage",
    "Polar",
    "Tropical",
    "Desert",
    "Island",
    "Canyon",
    "Prairie",
    "Highland",
    "Lowland",
    "Bayside",
    "Hillside",
    "Riverside",
    "Lakeside",
    "Seaside",
    "Parkside",
    "Westgate",
]
_NAME_SECOND = [
    "Oak",
    "Pine",
    "Ridge",
    "Brook",
    "Field",
    "Stone",
    "Bridge",
    "Gate",
    "Tower",
    "Castle",
    "Garden",
    "Harbor",
    "Point",
    "Bay",
    "Cove",
    "Creek",
    "Spring",
    "Hill",
    "Mountain",
    "Peak",
    "Rock",
    "Wood",
    "Grove",
    "Park",
    "Lane",
    "Street",
    "Road",
    "Way",
    "Square",
    "Court",
    "Hall",
    "House",
    "Mill",
    "Works",
    "Forge",
    "Foundry",
    "Press",
    "Print",
    "Paper",
    "Ink",
    "Thread",
    "Loom",
    "Cloth",
    "Leather",
    "Glass",
    "Steel",
    "Timber",
    "Brick",
    "Tile",
    "Clay",
    "Bakery",
    "Kitchen",
    "Table",
    "Plate",
    "Cup",
    "Bottle",
    "Barrel",
    "Cask",
    "Vine",
    "Grape",
    "Apple",
    "Pear",
    "Cherry",
    "Berry",
    "Honey",
    "Sugar",
    "Salt",
    "Pepper",
    "Spice",
    "Herb",
    "Leaf",
    "Root",
    "Seed",
    "Grain",
    "Wheat",
    "Corn",
    "Rice",
    "Bean",
    "Olive",
    "Lemon",
    "Orange",
    "Lime",
    "Mint",
    "Sage",
    "Thyme",
    "Basil",
    "Fern",
    "Moss",
    "Ivy",
    "Reed",
    "Rush",
    "Heath",
    "Moor",
    "Marsh",
    "Fen",
    "Dale",
    "Glen",
    "Vale",
    "Hollow",
    "Bluff",
    "Cliff",
    "Shore",
]
_NAME_KIND = [
    "Traders",
    "Supplies",
    "Goods",
    "Foods",
    "Markets",
    "Stores",
    "Outfitters",
    "Partners",
    "Holdings",
    "Industries",
    "Systems",
    "Solutions",
    "Services",
    "Logistics",
    "Imports",
    "Exports",
    "Wholesale",
    "Retail",
    "Brands",
    "Studio",
    "Workshop",
    "Group",
    "Company",
    "Corporation",
    "Limited",
    "Trading",
    "Distribution",
    "Merchants",
    "Provisions",
    "Dairy",
    "Farms",
    "Bakers",
    "Brewers",
    "Vintners",
    "Roasters",
    "Grocers",
    "Pharmacy",
    "Clinic",
    "Hotel",
    "Inn",
    "Cafe",
    "Bistro",
    "Restaurant",
    "Motors",
    "Garage",
    "Electric",
    "Plumbing",
    "Builders",
    "Construction",
    "Design",
    "Media",
    "Digital",
    "Software",
    "Labs",
    "Analytics",
    "Consulting",
    "Ventures",
    "Capital",
    "Insurance",
    "Finance",
    "Textiles",
    "Apparel",
    "Fashion",
    "Footwear",
    "Furniture",
    "Interiors",
    "Lighting",
    "Hardware",
    "Tools",
    "Machinery",
    "Engineering",
    "Energy",
    "Solar",
    "Water",
    "Garden",
    "Pets",
    "Toys",
    "Books",
    "Music",
    "Sports",
    "Fitness",
    "Travel",
    "Tours",
]
_NAME_TOWN = [
    "Leeds",
    "York",
    "Bath",
    "Derby",
    "Exeter",
    "Dundee",
    "Cork",
    "Galway",
    "Lyon",
    "Nantes",
    "Lille",
    "Porto",
    "Braga",
    "Bilbao",
    "Sevilla",
    "Malaga",
    "Bremen",
    "Kassel",
    "Mainz",
    "Bonn",
    "Graz",
    "Linz",
    "Basel",
    "Bern",
    "Ghent",
    "Bruges",
    "Utrecht",
    "Delft",
    "Aarhus",
    "Malmo",
    "Bergen",
    "Turku",
    "Austin",
    "Denver",
    "Tampa",
    "Omaha",
    "Tulsa",
    "Reno",
    "Boise",
    "Fresno",
    "Dayton",
    "Akron",
    "Quebec",
    "Halifax",
    "Regina",
    "Perth",
    "Hobart",
]


def company_names(n_customers: int, seed: int = 42) -> np.ndarray:
    """``n_customers`` company-like names of four words ("Bold Ridge Stores Leeds"), nearly all
    distinct (a few repeat, as in a real book), deterministic."""
    rng = np.random.default_rng(seed + 2)
    words = (_NAME_FIRST, _NAME_SECOND, _NAME_KIND, _NAME_TOWN)
    picks = [np.asarray(w, dtype=object)[rng.integers(0, len(w), n_customers)] for w in words]
    return picks[0] + " " + picks[1] + " " + picks[2] + " " + picks[3]


def make_customers(
    n_customers: int, seed: int = 42, id_kind: str = "str", names: str = "numbered"
) -> pd.DataFrame:
    """Customer master data (name, account-manager owner, region) for ``make_orders``'s customers.

    ~3 % have no owner. Indexed by ``customer_id`` as str (the store's and snapshot's key type).
    ``names`` is ``"numbered"`` ("Customer 4242") or ``"company"`` (``company_names``).
    """
    rng = np.random.default_rng(seed + 1)
    ids = customer_ids(n_customers, id_kind).astype(str)
    owner = np.asarray(OWNERS, dtype=object)[rng.integers(0, len(OWNERS), n_customers)]
    owner[rng.random(n_customers) < 0.03] = None
    region = np.asarray(REGIONS, dtype=object)[
        rng.choice(len(REGIONS), n_customers, p=np.array([8, 7, 6, 6, 5, 2, 3, 1]) / 38)
    ]
    named = (
        company_names(n_customers, seed)
        if names == "company"
        else np.array([f"Customer {i}" for i in range(n_customers)], dtype=object)
    )
    return pd.DataFrame(
        {"name": named, "owner": owner, "region": region}, index=pd.Index(ids, name="customer_id")
    )


def parquet_path(n_orders: int, n_customers: int, seed: int = 42, id_kind: str = "str") -> Path:
    return DATA_DIR / f"orders_{n_orders}_{n_customers}_s{seed}_{id_kind}.parquet"


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp, row_group_size=1_000_000)
    tmp.replace(path)


def ensure_parquet(
    n_orders: int, n_customers: int, seed: int = 42, id_kind: str = "str"
) -> tuple[Path, bool]:
    """The cached Parquet file for these arguments, generated if missing. Returns (path, generated)."""
    path = parquet_path(n_orders, n_customers, seed, id_kind)
    if path.exists():
        return path, False
    write_parquet(make_orders(n_orders, n_customers, seed, id_kind), path)
    return path, True


def customer_subset(orders: pd.DataFrame, fraction: float, seed: int = 7) -> pd.DataFrame:
    """All orders of a random ``fraction`` of the customers: same per-customer shape, fewer rows."""
    ids = pd.unique(orders["customer_id"])
    rng = np.random.default_rng(seed)
    chosen = ids[rng.random(len(ids)) < fraction]
    return orders[orders["customer_id"].isin(chosen)].reset_index(drop=True)


def ensure_subset(full: Path, fraction: float, seed: int = 7) -> Path:
    """Cached Parquet of ``customer_subset`` of a cached order file."""
    path = full.with_name(f"{full.stem}_sub{round(fraction * 1000)}permille.parquet")
    if not path.exists():
        write_parquet(customer_subset(pd.read_parquet(full), fraction, seed), path)
    return path
