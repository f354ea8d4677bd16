"""The home page: the registry at a glance."""
