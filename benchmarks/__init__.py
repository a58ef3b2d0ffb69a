"""Benchmarks: `make bench` (`python -m benchmarks`) runs every module and prints side-by-side figures."""
