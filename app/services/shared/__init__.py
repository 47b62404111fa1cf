"""Plumbing every domain uses: domain errors, paging, India's clock, PDF printing, the
principal (who is acting, and her scope), idempotency records, the scoring model store, the
stable codes of field problems, and the Aadhaar number rules (checking and masking, used by
KYC and by the access log).

May import: nothing else in app.services.
"""
