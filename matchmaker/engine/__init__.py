"""Pure domain: taxonomy, matching and scheduling.

Nothing here imports Flask, SQLAlchemy or any other ``matchmaker`` package outside ``engine``:
plain dataclasses in, plain dataclasses out.
"""
