"""Projects: names, roles, creation and membership."""
