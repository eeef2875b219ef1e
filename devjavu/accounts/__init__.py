"""Accounts: users, password hashes and credential checks."""
