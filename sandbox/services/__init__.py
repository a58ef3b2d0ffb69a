"""Use cases, one module per domain. Services take the session first and everything else by keyword,
check permissions, change rows and flush; they never commit and never import Flask."""
