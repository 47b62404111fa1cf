"""Members' credit: histories, readiness scores and their models, consents and enquiries,
a bank's list of consenting members, the profile PDF, the member's passbook, and the monthly
files to the credit bureaus.

May import: shared, access, ledger, federation, lending, capital, audit.
"""
