"""The statistical conventions of lmlib: where a statistic has several definitions, the one it uses, and
what it was checked against.

SPSS's and Brookmeyer–Crowley's medians, Wilson intervals, denominators, the tests of the tables
by group, the Cox model and its proportional-hazards test. This page is the README's section
"Statistical conventions", included here so that the two never differ; the reports name the
convention beside each number.

.. include:: ../README.md
   :start-after: ## Statistical conventions
   :end-before: ## The reproduction audit
"""
