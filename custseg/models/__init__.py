"""Predictive models of the book: purchase frequency (BG/NBD), spend (Gamma-Gamma), lifetime value.

They work on the per-customer repeat-purchase summary of ``custseg.models.summary``.
"""

from custseg.models.bgnbd import BetaGeoModel
from custseg.models.gamma_gamma import GammaGammaModel
from custseg.models.summary import period_days, rfm_summary

__all__ = ["BetaGeoModel", "GammaGammaModel", "period_days", "rfm_summary"]
