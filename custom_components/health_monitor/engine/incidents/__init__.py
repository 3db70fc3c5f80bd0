"""Incidents: from component health to an audited, escalating, closing record."""
