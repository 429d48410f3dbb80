"""`python -m bot scale-demo`: the production shape (nginx, replicas, PostgreSQL, Redis) on one machine."""
