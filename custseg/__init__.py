"""custseg: customer segmentation core.

Orders in, a dated snapshot out (RFM scores and segments, value tiers, lifecycle stages,
churn risk, key accounts). This package imports no chat SDK and no bot code.

Layers, top to bottom (each imports only from those below it; checked by import-linter):

- ``pipeline`` (from an order source to a stored snapshot), ``demo`` (the synthetic demo book)
- ``query`` (the chat query engine), ``actions`` (win-back suggestions and their workflow)
- ``snapshot`` (build, storage, changes between snapshots)
- ``models`` (BG/NBD, Gamma-Gamma, CLV, the churn model, explanations)
- ``segmentation`` (RFM, value tiers, lifecycle, key accounts), ``store`` (our own database)
- ``ingest`` (order files and the company database into per-customer aggregates)
- ``errors``, ``schema``, ``progress``
"""

__version__ = "0.1.0"
