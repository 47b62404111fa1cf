"""Who may call: API tokens, people's accounts, their passwords and one-time codes, the
throttle of failed attempts, the access log.

May import: shared.
"""
