"""Money lent and saved within and to the groups: savings, member loans (terms,
schedules, dues, repayments, months and arrears), the meetings that record them (their new
loans disbursed set-wise) and their import from CSV (sheets pre-filled, SHGs and members
found by code or name, background jobs), the SHG's cash book, loans from the VO (CIF) and
from banks (facilities, SMA/NPA classification), which fund lent a member loan, livelihood, and
reversals (which must ask the loans and facilities whether an entry may be undone).

May import: shared, access, ledger, federation.
"""
