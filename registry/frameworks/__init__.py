"""Reference frameworks (the 2030 Agenda and others): readers of their source data."""
