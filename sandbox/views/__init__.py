"""Web pages: thin blueprints that parse the request, call a service, commit once, and render."""
