"""Helpers shared by every test suite, one of each.

- services: shortcuts that call the services and read rows back inside an app context
  (place an order, stock figures, ledger, outbox, the stock rules that always hold).
- rows: every row of every table, to show a refused or failed change left nothing behind.
- bad_input: the one table of bad form values and the message each must get.
"""
