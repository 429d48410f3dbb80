"""The Hertfordshire public contact assistant: web app, services, database and CLI."""
