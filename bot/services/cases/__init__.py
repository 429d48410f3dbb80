"""Track My Crime: what victims type, the verified status check, and the records system's exports."""
