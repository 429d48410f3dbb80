"""`make scale-test`: drills against the production shape (`python -m bot scale-demo`) on this machine."""
