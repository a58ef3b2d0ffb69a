"""Interoperability: outside clients (Go) reading what the application serves."""
