"""Legal partners' work: disputes, liability exemptions and their evidence."""
