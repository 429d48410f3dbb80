"""What the Rasa server runs but no model is trained from (so it is left out of the model's fingerprint):
the server's launcher and its speed-ups."""
