"""lmlib: cleaning and statistics for case series of leptomeningeal metastases.

Importing the package is cheap: submodules (``lmlib.clean``, ``lmlib.survival``, ...) load
pandas, lifelines and friends only when they are imported themselves.
"""
__version__ = "0.1.0"
