"""Demo data: `flask --app sandbox demo` seeds one account per role and cases in every state."""
