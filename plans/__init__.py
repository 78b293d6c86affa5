"""The zoning domain: plans and versions, zones, parcels, rule sets, checks, extracts; storage."""
