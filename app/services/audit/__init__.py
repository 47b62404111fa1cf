"""Idle funds: the rules, their detection, scheduled and on-demand audit runs, the
flags auditors act on, and their exports.

May import: shared, access, ledger, federation, lending, capital.
"""
