"""Flask commands (`flask --app sandbox …`)."""
