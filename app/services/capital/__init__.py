"""Capital support to the federation: grants received and passed down (RF, CIF, VRF),
their utilisation, Revolving Fund eligibility and gradings, interest subvention.

May import: shared, access, ledger, federation, lending.
"""
