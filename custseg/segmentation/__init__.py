"""The rules that label customers: RFM scores and segments, value tiers, lifecycle stages and key
accounts, and the per-customer figures they are computed from (``figures``).
"""
