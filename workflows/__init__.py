"""The sandbox case state machines and their rule data.

Depends on `transitions` and the standard library only: no flask, no sqlmodel, no sandbox. The case
workflow itself arrives with the case-workflow issue.
"""
