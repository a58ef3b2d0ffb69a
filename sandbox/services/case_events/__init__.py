"""Firing case events: permission → guard → state machine → history → effects."""
