"""Herts Reunited: lost items residents describe, found items from the property system, and lost reports."""
