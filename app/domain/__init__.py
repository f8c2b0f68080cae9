"""Pure rules: no Flask, no SQLAlchemy. Plain data in, plain data out."""
