"""Custom actions for the Rasa action server: thin adapters, one module per topic."""
