"""The codebook (``data/codebook.yaml``): variables, levels, labels, synonyms and header aliases.

Everything that knows a variable by name reads it from here. ``Codebook.load()`` checks the
file itself (unique names, no header alias or level synonym claimed twice) so that an
ambiguous codebook fails at once rather than mis-mapping a column.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
import hashlib
from pathlib import Path

from . import config
from .normalize import match_key
from .problems import CodebookError
from .yamlload import load_yaml

ROMAN = ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
LANGUAGES = ("en", "tr")


@dataclass(frozen=True)
class Level:
    name: str
    label: dict
    synonyms: tuple[str, ...] = ()
    within: tuple[str, ...] = ()  # allowed values of the parent variable (nested levels)


@dataclass(frozen=True)
class Variable:
    """One variable of the codebook; ``spec`` keeps the raw YAML mapping."""

    name: str
    type: str
    spec: dict = field(repr=False, compare=False)

    def label(self, lang: str = "en") -> str:
        return self.spec.get("label", {}).get(lang, self.name)

    @property
    def required(self) -> bool:
        return bool(self.spec.get("required", False))

    @property
    def identifier(self) -> bool:
        return bool(self.spec.get("identifier", False))

    @property
    def post_baseline(self) -> bool:
        """True for a variable known only after baseline (``post_baseline: true``, e.g. the
        treatment given after LM diagnosis): grouping survival by it carries immortal-time
        bias, which a landmark analysis avoids (:mod:`lmlib.survival.landmark_analysis`)."""
        return bool(self.spec.get("post_baseline", False))

    @property
    def levels(self) -> list[Level]:
        return [
            Level(lv["name"], lv.get("label", {}), tuple(lv.get("synonyms", ())), tuple(lv.get("within", ())))
            for lv in self.spec.get("levels", [])
        ]

    @property
    def level_names(self) -> list[str]:
        return [lv.name for lv in self.levels]

    @property
    def options(self) -> list[Level]:
        return [Level(o["name"], o.get("label", {}), tuple(o.get("synonyms", ()))) for o in self.spec.get("options", [])]

    def option_column(self, option: str) -> str:
        """Cleaned column of a multi-response option, e.g. ``symptoms_headache``."""
        return f"{self.name}_{option}"

    def level_label(self, level: str, lang: str = "en") -> str:
        for lv in self.levels + self.options:
            if lv.name == level:
                return lv.label.get(lang, level)
        raise KeyError(f"{self.name} has no level {level!r}")


class Codebook:
    """Read access to the codebook. Use :meth:`load`."""

    def __init__(self, spec: dict, path: Path | None = None, digest: str = "", study: Path | None = None):
        self.spec = spec
        self.path = path
        self.sha256 = digest  # with a study file: of both files (lmlib.study.study_digest)
        self.study = study  # the study file merged in, if any
        self.variables = [Variable(v["name"], v["type"], v) for v in spec["variables"]]
        self.screening = [Variable(v["name"], v["type"], v) for v in spec.get("screening", [])]
        self.cranial_nerves = spec.get("cranial_nerves", {"numbers": [], "groups": []})
        self._synonyms: dict[str, dict[str, str]] = {}
        self._check()

    @classmethod
    def load(cls, path: str | Path | None = None, study: str | Path | None = None) -> "Codebook":
        """Load (and check) a codebook, with a study file merged in (:mod:`lmlib.study`) when
        given; a file already loaded and unchanged is not re-read."""
        path = Path(path or config.CODEBOOK).resolve()
        stat = path.stat()
        codebook = _load_cached(path, stat.st_mtime_ns, stat.st_size)
        return codebook.with_study(study) if study else codebook

    def with_study(self, study: str | Path) -> "Codebook":
        """This codebook with the study file ``study`` merged in (see :mod:`lmlib.study`);
        raises :class:`lmlib.study.StudyError` naming the file, entry and key of every problem."""
        shown = Path(study)
        if not shown.is_file():
            from .study import StudyError

            raise StudyError(f"{shown}: study file not found")
        stat = shown.stat()
        return _with_study_cached(self, shown, shown.resolve(), stat.st_mtime_ns, stat.st_size)

    def __getitem__(self, name: str) -> Variable:
        for var in self.variables:
            if var.name == name:
                return var
        raise KeyError(f"the codebook has no variable {name!r}")

    def __repr__(self) -> str:
        study = f" + {self.study}" if self.study else ""
        return f"Codebook({self.path}{study}, {len(self.variables)} variables)"

    def of_type(self, *types: str) -> list[Variable]:
        return [v for v in self.variables if v.type in types]

    @property
    def nerve_variable(self) -> Variable | None:
        found = self.of_type("nerve_set")
        return found[0] if found else None

    def nerve_column(self, number: int) -> str:
        return self.cranial_nerves.get("column", "cn_{n}").format(n=number)

    @property
    def nerve_columns(self) -> list[str]:
        return [self.nerve_column(n) for n in self.cranial_nerves["numbers"]]

    def group_rule(self, group: dict) -> str:
        """How a cranial nerve group counts a patient: ``all`` (every nerve of the group
        involved, the paper's reading of "CN 4–6") or ``any`` (at least one): the group's
        ``rule``, else ``cranial_nerves: rule``, else ``all``."""
        return group.get("rule") or self.cranial_nerves.get("rule") or "all"

    @property
    def derived(self) -> list[dict]:
        return list(self.spec.get("derived", []))

    @property
    def derived_names(self) -> set[str]:
        """Columns :mod:`lmlib.derive` computes (the derived variables and the nerve groups)."""
        groups = self.cranial_nerves.get("groups", [])
        return {d["name"] for d in self.derived} | {g["name"] for g in groups}

    def missing_keys(self, var: Variable) -> frozenset[str]:
        """Matching keys of the cells that mean "not known" for ``var`` beyond the usual
        spellings (:data:`lmlib.parse.UNKNOWN_KEYS`): the ``missing_values`` of the codebook
        (or study file) as a whole and of the variable, e.g. ``"9"`` for "9 = unknown"."""
        values = [*self.spec.get("missing_values", []), *var.spec.get("missing_values", [])]
        return frozenset(match_key(v) for v in values)

    def yes_no(self, var: Variable) -> tuple[set[str], set[str]]:
        """Matching keys meaning True and False for a boolean variable."""
        sets = self.spec.get("synonym_sets", {})
        spec = var.spec.get("synonyms", "yes_no")
        pair = sets[spec] if isinstance(spec, str) else spec
        return {match_key(s) for s in pair[True]}, {match_key(s) for s in pair[False]}

    @cached_property
    def header_targets(self) -> dict[str, tuple]:
        """Matching key of every known column header -> what the column holds.

        Targets: ``("variable", name)``; ``("option", variable, option)`` for one option of
        a multi-response variable given as its own yes/no column; ``("nerve", number)``.
        """
        return _header_targets(self.variables, self.cranial_nerves)

    @cached_property
    def screening_header_targets(self) -> dict[str, tuple]:
        return _header_targets(self.screening, {"numbers": []})

    def synonym_map(self, var: Variable) -> dict[str, str]:
        """Matching key -> canonical level, from level names, labels and synonyms."""
        cached = self._synonyms.get(var.name)
        if cached is None:
            cached = self._synonyms[var.name] = _synonym_map(var)
        return cached

    def _check(self) -> None:
        names = [v.name for v in self.variables]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise CodebookError(f"variables defined twice: {sorted(dupes)}")
        for var in self.variables + self.screening:
            if var.type in ("categorical", "multi_response", "nerve_set"):
                claimed: dict[str, str] = {}
                for lv in var.levels or var.options:
                    for text in (lv.name, *lv.label.values(), *lv.synonyms):
                        key = match_key(text)
                        if claimed.get(key, lv.name) != lv.name:
                            raise CodebookError(
                                f"'{var.label()}': the spelling {text!r} would mean both "
                                f"'{var.level_label(claimed[key])}' and '{var.level_label(lv.name)}'"
                            )
                        claimed[key] = lv.name


def _synonym_map(var: Variable) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for lv in var.levels or var.options:
        for text in (lv.name, *lv.label.values(), *lv.synonyms):
            mapping.setdefault(match_key(text), lv.name)
    return mapping


@lru_cache(maxsize=8)
def _load_cached(path: Path, mtime_ns: int, size: int) -> Codebook:
    raw = path.read_bytes()
    return Codebook(load_yaml(raw), path, hashlib.sha256(raw).hexdigest())


def describe_target(variables: list[Variable], target: tuple) -> str:
    """What a column matched to ``target`` holds, in words: "Sex", "Headache (Clinical
    symptoms ...)", "CN 7"."""
    if target[0] == "nerve":
        return f"CN {target[1]}"
    var = next(v for v in variables if v.name == target[1])
    if target[0] == "option":
        return f"{var.level_label(target[2])} ({var.label()})"
    return var.label()


@lru_cache(maxsize=8)
def _with_study_cached(base: Codebook, shown: Path, path: Path, mtime_ns: int, size: int) -> Codebook:
    from .study import load_study, merge_study, study_digest

    document, raw = load_study(shown)
    spec = merge_study(base.spec, document, shown, Codebook)
    return Codebook(spec, base.path, study_digest(base.sha256, raw), study=shown)


def _header_targets(variables: list[Variable], nerves: dict) -> dict[str, tuple]:
    targets: dict[str, tuple] = {}

    def claim(alias: str, target: tuple) -> None:
        key = match_key(alias)
        if key in targets and targets[key] != target:
            raise CodebookError(f"the column header {alias!r} would mean both "
                                f"'{describe_target(variables, targets[key])}' and '{describe_target(variables, target)}'")
        targets[key] = target

    for var in variables:
        for alias in (var.name, *var.spec.get("aliases", [])):
            claim(alias, ("variable", var.name))
        for opt in var.spec.get("options", []):
            for alias in (f"{var.name}_{opt['name']}", *opt.get("aliases", [])):
                claim(alias, ("option", var.name, opt["name"]))
        if var.type == "nerve_set":
            for n, aliases in var.spec.get("nerve_aliases", {}).items():  # a study file's own headers
                for alias in aliases:
                    claim(alias, ("nerve", int(n)))
            for n in nerves["numbers"]:
                for prefix in var.spec.get("alias_prefixes", []):
                    for token in (str(n), ROMAN[n]):
                        claim(f"{prefix} {token}", ("nerve", n))
                        claim(f"{match_key(prefix).replace(' ', '')}{token}", ("nerve", n))
                claim(nerves.get("column", "cn_{n}").format(n=n), ("nerve", n))
    return targets


def load_codebook(path: str | Path | None = None, study: str | Path | None = None) -> Codebook:
    """Load the codebook (default: ``data/codebook.yaml``), with the study file ``study``
    merged in when given (:mod:`lmlib.study`).

    Examples
    --------
    >>> from lmlib.codebook import load_codebook
    >>> cb = load_codebook()
    >>> cb["sex"].type, [level.name for level in cb["sex"].levels]
    ('categorical', ['female', 'male'])
    """
    return Codebook.load(path, study)
