"""Whole-of-society coverage: who takes part, who is missing, and the charts that show it.

``compute`` reads the models only, so the initiative and engagement pages may import it;
the pages' blueprint is ``registry.coverage.views.bp``.
"""
