"""The complaints team's accounts, dashboard sessions and API tokens."""
