"""Case pages: the list, filing, the case page and its forms, the workflow picture."""
