"""Accounts, sign-in, passwords, tokens, enterprises and partner organisations."""
