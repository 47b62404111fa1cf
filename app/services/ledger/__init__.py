"""The books' core: posting balanced entries (one at a time or in batches), the journal and
its entry sets, balances (today's and at any date), books and their charts of accounts, the
hash chain and its verification, accounting periods, the financial reports (trial balance,
balance sheet, income and expenditure), and the set-wise bulk writes on PostgreSQL. Knows
nothing of SHGs, loans or funds: every domain posts through it.

May import: shared.
"""
