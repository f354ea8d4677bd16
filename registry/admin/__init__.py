"""Administration: accounts, roles and memberships."""
