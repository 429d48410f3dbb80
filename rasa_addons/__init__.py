"""Code that runs inside the Rasa server (.venv-rasa): stdlib and Rasa only, never `bot`."""
