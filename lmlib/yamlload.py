"""YAML as a person writes a codebook or study file: ``no``, ``yes``, ``on`` and ``off`` stay text.

PyYAML follows YAML 1.1, where the unquoted words yes/no/on/off (any case) are booleans: the
patient-id alias ``no`` and the yes/no spellings of a nerve column would silently become
``False`` and ``True`` and never match a cell. :data:`StringsLoader` is PyYAML's safe loader
(its C version when available) with the YAML 1.2 core schema's booleans only: ``true`` and
``false`` (also ``True``/``TRUE``, ``False``/``FALSE``) are booleans, every other word is a
string. Numbers, nulls and dates load as in the safe loader.
"""
from __future__ import annotations

import re

import yaml

BOOL_TAG = "tag:yaml.org,2002:bool"
YAML12_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: same result, faster


class StringsLoader(_Base):
    """Safe loader whose booleans are ``true``/``false`` only (YAML 1.2), never yes/no/on/off."""


StringsLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != BOOL_TAG]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
StringsLoader.add_implicit_resolver(BOOL_TAG, YAML12_BOOL, list("tTfF"))


def load_yaml(text: str | bytes):
    """Parse YAML text with :class:`StringsLoader` (``no`` is the string "no")."""
    return yaml.load(text, Loader=StringsLoader)
