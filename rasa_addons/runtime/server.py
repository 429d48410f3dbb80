"""`python -m rasa_addons.runtime.server run ...`: the `rasa` command, with runtime/speedups.py applied first.

The supervisor and the scale demo start the Rasa server this way; every argument is Rasa's own.
"""

from __future__ import annotations

from rasa_addons.runtime import speedups


def main() -> None:
    """Apply the speed-ups, then hand over to Rasa's command line."""
    speedups.apply()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
