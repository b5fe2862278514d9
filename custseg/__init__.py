"""custseg: customer segmentation core.

Orders in, a dated snapshot out (RFM scores and segments, value tiers, lifecycle stages,
churn risk, key accounts). This package imports no chat SDK and no bot code.
"""

__version__ = "0.1.0"
