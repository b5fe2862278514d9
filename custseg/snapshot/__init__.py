"""The dated snapshot: every customer's RFM scores, segment, value tier, lifecycle stage, churn
risk and key-account flag as of one day.

``build`` segments a book of per-customer aggregates, ``storage`` saves and loads snapshots in our
own database, ``changes`` compares two snapshots (who moved from which segment to which).
"""
