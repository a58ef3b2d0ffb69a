"""Run every benchmark: `python -m benchmarks` (what `make bench` calls)."""

from __future__ import annotations

from benchmarks import certificates


def main() -> None:
    certificates.main()


if __name__ == "__main__":
    main()
