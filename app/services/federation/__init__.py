"""The federation's tree and its people: institutions (state, district, block,
CLF, VO, SHG), members and their KYC, banks and branches.

May import: shared, ledger.
"""
