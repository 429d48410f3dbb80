"""Services: plain async functions over a session; the caller owns the transaction."""
