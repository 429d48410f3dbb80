"""Prints, as one JSON object, what rasa_addons.feedback_entities.polarity says of each text given as an argument.

Run by tests/rasa_addons/test_feedback_entities.py with the Rasa environment's Python (the module imports Rasa)."""

from __future__ import annotations

import json
import sys

from rasa_addons.feedback_entities import polarity

if __name__ == "__main__":
    print(json.dumps({text: (polarity(text) or (None,))[0] for text in sys.argv[1:]}))
