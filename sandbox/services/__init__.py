"""Use cases, one module per domain. Services take the session first and everything else by keyword,
check permissions, change rows and flush; they never commit and never import Flask."""

from sandbox.services.cases import tallies
from sandbox.services.publication import registry, registry_index

# Derived rows kept in the transaction of every change: the case counts and the registry's search index.
tallies.install()
registry_index.install(registry.entry_texts)
