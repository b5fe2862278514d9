"""Column mappings: which column of an order file holds which order field, and how to read the file."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError, model_validator

from config.base import Strict
from config.errors import ConfigError
from config.files import explain, read_toml

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"


class ColumnMapping(Strict):
    """Which input column holds which order field.

    Either ``amount`` (net order value in currency units) or both ``quantity`` and ``unit_price``
    (revenue = quantity × unit price, summed per order) must be given. Without ``order_id`` every
    line is its own order.
    """

    customer_id: str
    ordered_at: str
    amount: str | None = None
    quantity: str | None = None
    unit_price: str | None = None
    order_id: str | None = None
    customer_name: str | None = None
    owner: str | None = None
    region: str | None = None

    @model_validator(mode="after")
    def _revenue_source(self) -> ColumnMapping:
        if self.amount is None and (self.quantity is None or self.unit_price is None):
            raise ValueError("give either 'amount', or both 'quantity' and 'unit_price'")
        if self.amount is not None and (self.quantity is not None or self.unit_price is not None):
            raise ValueError("give 'amount' or 'quantity' + 'unit_price', not both")
        return self

    def used(self) -> dict[str, str]:
        """Field name → input column, for the fields this mapping uses."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class FileFormat(Strict):
    """How to read the file: delimiter (``"whitespace"`` for runs of blanks), header, dates."""

    delimiter: str = ","
    header: bool = True
    names: list[str] | None = None
    date_format: str | None = Field(None, description="strptime format; None means ISO 8601")
    encoding: str = "utf-8"
    cancellation_prefix: str | None = Field(
        None, description="order ids starting with this are cancellations/returns (negative amounts)"
    )
    skip_missing_customer: bool = Field(
        False, description="skip and count lines without a customer id instead of rejecting the file"
    )

    @model_validator(mode="after")
    def _names_without_header(self) -> FileFormat:
        if not self.header and not self.names:
            raise ValueError("a file without a header needs 'names' (the column names in order)")
        return self


class Mapping(Strict):
    """A named column mapping for one kind of order file."""

    name: str
    description: str = ""
    columns: ColumnMapping
    format: FileFormat = FileFormat()
    # The symbol amounts are shown with (e.g. "£"); used unless the settings name a currency.
    currency: str | None = Field(None, min_length=1, max_length=4)


def list_mappings() -> list[str]:
    """Names of the shipped column mappings."""
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.toml"))


def load_mapping(name_or_path: str | Path) -> Mapping:
    """A column mapping by shipped name (``online_retail``) or by path to a TOML file."""
    path = Path(name_or_path)
    if not path.suffix:
        path = MAPPINGS_DIR / f"{name_or_path}.toml"
        if not path.exists():
            raise ConfigError(
                f"There is no column mapping called '{name_or_path}'. "
                f"Shipped mappings: {', '.join(list_mappings())}; or pass the path of your own TOML file."
            )
    data = read_toml(path)
    data.setdefault("name", path.stem)
    try:
        return Mapping.model_validate(data)
    except ValidationError as err:
        raise explain(err, str(path)) from None
