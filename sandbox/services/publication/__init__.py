"""What is published: consent, the public registry and typical cases."""
