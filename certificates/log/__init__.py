"""The transparency log: Merkle trees, entries, signed checkpoints and tlog-tiles."""
