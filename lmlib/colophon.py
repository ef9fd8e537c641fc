"""The colophon that ends every report, and the "Statistical analysis" paragraph for the manuscript.

:func:`colophon` returns the facts as a DataFrame (package versions, git commit, input file
name and SHA-256, codebook SHA-256, parameters, synthetic or not); :func:`methods_paragraph`
returns the ready-to-paste paragraph naming every test and convention lmlib uses, with
software versions and citations. Both are pure apart from reading installed package versions
and asking git for the commit; :func:`show_colophon` is the one call a notebook makes, and
the only function here that displays anything.

Privacy: the input file is shown by its **name** only, never its folder (a folder name may
identify a patient), and not even its name when that looks like a direct identifier (a national
ID, phone number or e-mail address in it: :mod:`lmlib.provenance`); every path-like parameter is
shown the same way. The data cut-off is shown
as its month ("December 2018"), never as a full date.
"""
from __future__ import annotations

import importlib.metadata
import platform
import subprocess

from . import config

VERSION_PACKAGES = ("lmlib", "Python", "pandas", "numpy", "scipy", "statsmodels", "lifelines",
                    "matplotlib", "seaborn", "papermill", "nbconvert")
COLOPHON_COLUMNS = ["group", "item", "value"]
NOT_A_CHECKOUT = "not a git checkout"
DIRTY = "(uncommitted changes)"

def _text(key: str, lang: str = "en", **values) -> str:
    from .present.catalog import text

    return text(key, lang, **values)


SYNTHETIC_BANNER = _text("colophon.banner")  # the English banner (tests and old callers)
TOPICS = ("descriptive", "crosstab", "survival", "audit")
LANGS = ("en", "tr")


# ------------------------------------------------------------------------------ facts

def package_versions(packages=VERSION_PACKAGES) -> dict[str, str]:
    """Installed version of each package (``Python``: the interpreter), "not installed" if absent."""
    out = {}
    for name in packages:
        if name == "Python":
            out[name] = platform.python_version()
            continue
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit(root=None) -> str:
    """``HEAD``'s commit of the checkout at ``root`` (default ``PROJ_ROOT``), followed by
    "(uncommitted changes)" when ``git status --porcelain`` lists anything, or
    "not a git checkout" when git is missing or ``root`` is not a working tree."""
    root = str(root or config.PROJ_ROOT)

    def git(*args) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              check=True, timeout=30).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain")
    except (OSError, subprocess.SubprocessError):
        return NOT_A_CHECKOUT
    return f"{commit} {DIRTY}" if dirty else commit


def file_name(value: str | None, lang: str = "en") -> str:
    """The last component of a path written with / or \\ (the folder is never shown), or
    "(withheld: ...)" in ``lang`` when it looks like a direct identifier (None: already withheld;
    :func:`lmlib.provenance.shown_name`)."""
    from .provenance import shown_name

    shown = None if value is None else shown_name(value)
    return f"({_text('input.withheld', lang if lang in LANGS else 'en')})" if shown is None else shown


def shown_parameters(parameters: dict | None, lang: str | None = None) -> dict[str, str]:
    """The parameters as a report shows them, as text: strings quoted, paths by their file
    name only (never a folder), an empty ``data``/``codebook`` spelled out (in ``lang``, default
    English), the data cut-off as its month in the parameters' language. ``globals()`` may be
    passed: names starting with ``_`` and non-scalar values (modules, DataFrames) are left out."""
    words = lang if lang in LANGS else "en"
    defaults = {"data": _text("colophon.default_data", words), "codebook": _text("colophon.default_codebook", words)}
    shown = {}
    month_lang = (parameters or {}).get("lang")
    for name, value in (parameters or {}).items():
        if name.startswith("_") or not isinstance(value, (str, int, float, bool, type(None))):
            continue
        if name == "data_cut" and isinstance(value, str) and value:
            shown[name] = data_cut_text(value, month_lang if month_lang in LANGS else "en")
        elif isinstance(value, str):
            shown[name] = defaults[name] if not value and name in defaults else repr(file_name(value, words))
        else:
            shown[name] = str(value)
    return shown


def data_cut_text(data_cut, lang: str = "en") -> str:
    """The data cut-off as a shared report shows it: its month ("December 2018", "Aralık
    2018"), never the day; "not given" when empty; text that is not a date as it is."""
    from .present.numbers import fmt_month

    if not data_cut:
        return _text("word.not_given", lang if lang in LANGS else "en")
    try:
        return fmt_month(data_cut, lang)
    except (ValueError, TypeError):
        return str(data_cut)


def _commit_text(commit: str, lang: str) -> str:
    if commit == NOT_A_CHECKOUT:
        return _text("colophon.not_checkout", lang)
    return commit.replace(DIRTY, _text("colophon.dirty", lang))


def colophon(cohort, parameters: dict | None = None, *, versions: dict | None = None,
             commit: str | None = None, lang: str | None = None):
    """The colophon as a DataFrame with columns ``group``, ``item``, ``value`` (all strings).

    Parameters
    ----------
    cohort : a :class:`lmlib.cohort.Cohort` (its ``provenance()`` is used) or a provenance dict.
    parameters : the notebook's parameters (a dict; ``globals()`` works too); the data cut-off
        month is written in their ``lang``.
    versions, commit : override the installed versions / git commit (for tests).
    lang : language of the labels and words (default English); parameter names and versions
        are shown as they are.
    """
    import pandas as pd

    words = lang if lang in LANGS else "en"
    t = lambda key: _text(key, words)  # noqa: E731
    prov = cohort.provenance() if hasattr(cohort, "provenance") else dict(cohort)
    versions = package_versions() if versions is None else versions
    commit = git_commit() if commit is None else commit
    cut = data_cut_text(prov.get("data_cut"), _lang(parameters)) if prov.get("data_cut") else t("word.not_given")
    rows = [
        (t("colophon.group.input"), t("colophon.input_file"), file_name(prov.get("input_file", ""), words)),
        (t("colophon.group.input"), t("colophon.input_sha"), prov.get("input_sha256", "")),
        (t("colophon.group.input"), t("colophon.codebook_sha"), prov.get("codebook_sha256", "")),
        (t("colophon.group.input"), t("colophon.n"), str(prov.get("n", ""))),
        (t("colophon.group.input"), t("colophon.cut"), cut),
        (t("colophon.group.input"), t("colophon.synthetic"),
         t("colophon.synthetic_yes") if prov.get("synthetic") else t("colophon.synthetic_no")),
        (t("colophon.group.code"), t("colophon.commit"), _commit_text(commit, words)),
    ]
    rows += [(t("colophon.group.parameters"), name, value)
             for name, value in shown_parameters(parameters, words).items()]
    rows += [(t("colophon.group.software"), name, t("colophon.not_installed") if version == "not installed" else version)
             for name, version in versions.items()]
    return pd.DataFrame(rows, columns=COLOPHON_COLUMNS)


def _lang(parameters) -> str:
    lang = (parameters or {}).get("lang") if isinstance(parameters, dict) else None
    return lang if lang in LANGS else "en"


# ------------------------------------------------------------------------------ methods paragraph

REFERENCES = {
    "shapiro": "Shapiro SS, Wilk MB. An analysis of variance test for normality (complete samples). "
               "Biometrika 1965;52:591–611.",
    "hyndman": "Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361–365.",
    "wilson": "Wilson EB. Probable inference, the law of succession, and statistical inference. "
              "J Am Stat Assoc 1927;22:209–212.",
    "fisher": "Fisher RA. On the interpretation of χ² from contingency tables, and the calculation of P. "
              "J R Stat Soc 1922;85:87–94.",
    "freeman": "Freeman GH, Halton JH. Note on an exact treatment of contingency, goodness of fit and "
               "other problems of significance. Biometrika 1951;38:141–149.",
    "kaplan": "Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. "
              "J Am Stat Assoc 1958;53:457–481.",
    "greenwood": "Greenwood M. The natural duration of cancer. Reports on Public Health and Medical "
                 "Subjects 1926;33:1–26.",
    "brookmeyer": "Brookmeyer R, Crowley J. A confidence interval for the median survival time. "
                  "Biometrics 1982;38:29–41.",
    "mantel": "Mantel N. Evaluation of survival data and two new rank order statistics arising in its "
              "consideration. Cancer Chemother Rep 1966;50:163–170.",
    "cox": "Cox DR. Regression models and life-tables. J R Stat Soc Series B 1972;34:187–220.",
    "peduzzi": "Peduzzi P, Concato J, Feinstein AR, Holford TR. Importance of events per independent "
               "variable in proportional hazards regression analysis. II. Accuracy and precision of "
               "regression estimates. J Clin Epidemiol 1995;48:1503–1510.",
    "grambsch": "Grambsch PM, Therneau TM. Proportional hazards tests and diagnostics based on weighted "
                "residuals. Biometrika 1994;81:515–526.",
    "royston": "Royston P, Parmar MKB. Restricted mean survival time: an alternative to the hazard ratio "
               "for the design and analysis of randomized trials with a time-to-event outcome. BMC Med Res "
               "Methodol 2013;13:152.",
    "brown": "Brown NJL, Heathers JAJ. The GRIM test: a simple technique detects numerous anomalies in the "
             "reporting of results in psychology. Soc Psychol Personal Sci 2017;8:363–369.",
    "schemper": "Schemper M, Smith TL. A note on quantifying follow-up in studies of failure time. "
                "Control Clin Trials 1996;17:343–346.",
    "pandas": "McKinney W. Data structures for statistical computing in Python. Proceedings of the 9th "
              "Python in Science Conference 2010:56–61.",
    "scipy": "Virtanen P, Gommers R, Oliphant TE, et al. SciPy 1.0: fundamental algorithms for scientific "
             "computing in Python. Nat Methods 2020;17:261–272.",
    "statsmodels": "Seabold S, Perktold J. Statsmodels: econometric and statistical modeling with Python. "
                   "Proceedings of the 9th Python in Science Conference 2010:92–96.",
    "lifelines": "Davidson-Pilon C. lifelines: survival analysis in Python. J Open Source Softw "
                 "2019;4(40):1317.",
    "pearson": "Pearson K. On the criterion that a given system of deviations from the probable in the case of a "
               "correlated system of variables is such that it can be reasonably supposed to have arisen from random "
               "sampling. Philos Mag 1900;50:157–175.",
    "cochran": "Cochran WG. Some methods for strengthening the common χ² tests. Biometrics 1954;10:417–451.",
    "mann": "Mann HB, Whitney DR. On a test of whether one of two random variables is stochastically larger than the "
            "other. Ann Math Stat 1947;18:50–60.",
    "kruskal": "Kruskal WH, Wallis WA. Use of ranks in one-criterion variance analysis. J Am Stat Assoc "
               "1952;47:583–621.",
    "welch": "Welch BL. The generalization of ‘Student's’ problem when several different population variances are "
             "involved. Biometrika 1947;34:28–35.",
    "benjamini": "Benjamini Y, Hochberg Y. Controlling the false discovery rate: a practical and powerful approach to "
                 "multiple testing. J R Stat Soc Series B 1995;57:289–300.",
    "holm": "Holm S. A simple sequentially rejective multiple test procedure. Scand J Stat 1979;6:65–70.",
    "yang": "Yang D, Dalton JE. A unified approach to measuring the effect size between two groups using SAS. "
            "SAS Global Forum 2012, paper 335-2012.",
    "uno": "Uno H, Claggett B, Tian L, et al. Moving beyond the hazard ratio in quantifying the between-group "
           "difference in survival analysis. J Clin Oncol 2014;32:2380–2385.",
    "efron": "Efron B. The efficiency of Cox's likelihood function for censored data. J Am Stat Assoc "
             "1977;72:557–565.",
    "anderson": "Anderson JR, Cain KC, Gelber RD. Analysis of survival by tumor response. J Clin Oncol "
                "1983;1:710–719.",
}

# The references each part of the paragraph cites (author–year in its text), in its order.
_PART_REFERENCES = {
    "mean_sd": ["shapiro"], "median_iqr": ["hyndman"], "categorical": ["wilson"], "crosstab": ["fisher", "freeman"],
    "survival": ["kaplan", "greenwood", "brookmeyer", "mantel", "royston", "cox", "grambsch", "peduzzi", "schemper"],
    "audit": ["brown"], "software": ["pandas", "scipy", "statsmodels", "lifelines"],
    "by_group": ["pearson", "cochran"], "by_group_nonparametric": ["mann", "kruskal"], "by_group_parametric": ["welch"],
    "by_group_bh": ["benjamini"], "by_group_holm": ["holm"], "by_group_unadjusted": [], "by_group_smd": ["yang"],
    "survival_groups": ["uno"], "survival_groups_holm": ["holm"], "survival_groups_bh": ["benjamini"],
    "cox_multi": ["efron"], "landmark": ["anderson"],
}


def method_topics(sections=None) -> list[str]:
    """The method topics (:data:`TOPICS`) of the given sections, in a fixed order.

    ``sections`` holds topic names and/or section names such as ``"02_imaging"``: a name
    containing "descriptive" means descriptive; "imaging" descriptive and crosstab; "survival"
    survival; "reproduction" every topic including the audit. ``None`` (default), or only names
    matching none of these, means every topic but the audit: the paragraph for the whole paper.
    """
    if sections is None:
        return [t for t in TOPICS if t != "audit"]
    if isinstance(sections, str):
        sections = [sections]
    wanted = set()
    for name in sections:
        key = str(name).lower()
        if key in TOPICS:
            wanted.add(key)
        elif "descriptive" in key:
            wanted.add("descriptive")
        elif "imaging" in key:
            wanted.update({"descriptive", "crosstab"})
        elif "survival" in key:
            wanted.add("survival")
        elif "reproduction" in key or "audit" in key:
            wanted.update(TOPICS)  # the audit recomputes the whole paper
    return [t for t in TOPICS if t in wanted] or [t for t in TOPICS if t != "audit"]


def _median_variables(continuous_summary) -> list[str]:
    if not continuous_summary:
        return []
    from .tables import parse_summary

    return [name for name, choice in parse_summary(continuous_summary).items() if choice == "median_iqr"]


def _parts(sections, continuous_summary, options: dict | None = None) -> list[str]:
    """The parts of the paragraph, in order (keys of :data:`_PART_REFERENCES`); ``options``
    are the methods the report's settings add (:func:`methods_options`)."""
    options = options or {}
    topics = method_topics(sections)
    parts = []
    if "descriptive" in topics:
        parts += ["mean_sd"] + (["median_iqr"] if _median_variables(continuous_summary) else []) + ["categorical"]
        if options.get("group_by"):  # Tables 1 and 2 by group
            parametric = options.get("group_tests") == "parametric"
            parts += ["by_group", "by_group_parametric" if parametric else "by_group_nonparametric",
                      f"by_group_{options.get('adjust') or 'unadjusted'}"]
            parts += ["by_group_smd"] if options.get("smd") else []
    parts += [t for t in ("crosstab",) if t in topics]
    if "survival" in topics:
        parts.append("survival")
        if options.get("survival_groups", True):
            parts += ["survival_groups", f"survival_groups_{options.get('pairwise_adjust') or 'holm'}"]
        parts += (["cox_multi"] if options.get("cox") else []) + (["landmark"] if options.get("landmark") else [])
    parts += [t for t in ("audit",) if t in topics]
    return parts + ["software"]


def methods_options(parameters: dict | None, sections=None) -> dict:
    """The methods a notebook's parameters add to the paragraph: the tables by group of the
    descriptive sections (``group_by``, ``group_tests``, ``adjust``, ``smd``); for the
    survival section its groupings (``group_by``), the adjustment of the pairwise log-rank
    tests (``adjust``: holm unless bh), the RMST horizon (``rmst_tau``), the Cox covariates
    (``cox``) and the landmark (``landmark``)."""
    p = dict(parameters or {})
    topics = method_topics(sections)
    survival_only = "survival" in topics and "descriptive" not in topics
    return {"group_by": "" if survival_only else p.get("group_by") or "",
            "group_tests": p.get("group_tests") or "nonparametric",
            "adjust": "" if survival_only else p.get("adjust") or "", "smd": bool(p.get("smd")),
            "survival_groups": bool(p.get("group_by", True)) if survival_only else True,
            "pairwise_adjust": (p.get("adjust") or "holm") if survival_only else "holm",
            "rmst_tau": p.get("rmst_tau", 180), "cox": p.get("cox") or "", "landmark": str(p.get("landmark") or "")}


def methods_paragraph(lang: str = "en", sections=None, *, continuous_summary: str | dict = "",
                      decimals: int = 1, versions: dict | None = None, decimal_mark: str = ".",
                      options: dict | None = None, codebook=None) -> str:
    """A ready-to-paste "Statistical analysis" paragraph for the manuscript.

    Parameters
    ----------
    lang : "en" or "tr".
    sections : which methods to name (see :func:`method_topics`); default all of them.
    continuous_summary : the notebooks' parameter (e.g. ``"age=median_iqr"``): variables
        summarised as median [IQR] instead of mean ± SD (range).
    decimals : decimal places of the percentages.
    versions : package versions (default: the installed ones, :func:`package_versions`).
    decimal_mark : of the numbers in the text (0.5, 1.96).
    options : methods the report's settings add (:func:`methods_options` of a notebook's
        parameters): the tables by group with their tests, q-values and SMDs; the pairwise
        log-rank adjustment and RMST contrasts; the multivariable Cox model; the landmark analysis.
    codebook : the labels of the grouping and the Cox covariates (default: their names).

    Returns
    -------
    The paragraph as plain text (no markup), every citation in author–year form; the full
    references of exactly those citations are :func:`methods_references`.
    """
    from .present.numbers import fmt_number

    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    versions = {**package_versions(), **(versions or {})}
    options = options or {}
    out = []
    for part in _parts(sections, continuous_summary, options):
        if part == "median_iqr":
            medians = _median_variables(continuous_summary)
            names = ", ".join(medians)
            key = "methods.median_iqr_one" if len(medians) == 1 else "methods.median_iqr_many"
            out.append(_text(key, lang, vars=names[0].upper() + names[1:]))
        elif part == "categorical":
            out.append(_text("methods.categorical", lang, places=_text(f"decimals.{int(decimals)}", lang)))
        elif part == "survival":
            out.append(_text("methods.survival", lang, half=fmt_number(0.5, 1, decimal_mark),
                             z=fmt_number(1.96, 2, decimal_mark)))
        elif part == "software":
            out.append(_text("methods.software", lang, **versions))
        elif part == "by_group":
            out.append(_text("methods.by_group", lang, by=_label(codebook, options["group_by"], lang)))
        elif part == "survival_groups":
            method = _text(f"methods.{options.get('pairwise_adjust') or 'holm'}", lang)
            out.append(_text("methods.survival_groups", lang, method=method,
                             tau=fmt_number(float(options.get("rmst_tau") or 180), 0, decimal_mark)))
        elif part.startswith("survival_groups_"):
            continue  # only its citation: the method is named in survival_groups
        elif part == "cox_multi":
            names = [n.strip() for n in str(options["cox"]).split(",") if n.strip()]
            out.append(_text("methods.cox_multi", lang, covariates=", ".join(_label(codebook, n, lang) for n in names)))
        elif part == "landmark":
            out.append(_text("methods.landmark", lang, day=str(options["landmark"]).strip()))
        else:
            out.append(_text(f"methods.{part}", lang))
    return " ".join(out)


def _label(codebook, name: str, lang: str) -> str:
    """A variable's label as it reads inside a sentence, without its unit ("Age, years" -> "age";
    its name without a codebook)."""
    if codebook is None:
        return name
    from .tables import item_label

    try:
        label = item_label(codebook, name, lang)
    except KeyError:
        return name
    from .present.catalog import in_sentence

    return in_sentence(label.split(",")[0].strip(), lang)


def methods_references(sections=None, continuous_summary: str | dict = "", options: dict | None = None) -> list[str]:
    """The full references of the citations of :func:`methods_paragraph` (same ``sections``,
    ``continuous_summary`` and ``options``), each once, in alphabetical order of the first author."""
    keys = []
    for part in _parts(sections, continuous_summary, options):
        keys += [k for k in _PART_REFERENCES[part] if k not in keys]
    return sorted((REFERENCES[k] for k in keys), key=lambda ref: ref.casefold())


# ------------------------------------------------------------------------------ display

_CSS = """
<style>
section.lm-colophon { font-size: 0.9em; margin-top: 2em; border-top: 2px solid #888; padding-top: 0.5em; }
section.lm-colophon table.lm-colophon-table { border-collapse: collapse; margin: 0.5em 0 1em 0; table-layout: auto; }
section.lm-colophon table.lm-colophon-table tr { background: none; }
section.lm-colophon table.lm-colophon-table th,
section.lm-colophon table.lm-colophon-table td { text-align: left; padding: 2px 14px 2px 0; vertical-align: top;
  border: none; max-width: none; }
section.lm-colophon table.lm-colophon-table th[scope=rowgroup] { padding-top: 0.7em; color: #555;
  border-bottom: 1px solid #ccc; }
section.lm-colophon table.lm-colophon-table th[scope=row] { font-weight: normal; color: #333; }
section.lm-colophon td.lm-hash { font-family: monospace; word-break: break-all; }
.lm-synthetic { background: #b00020; color: #fff; font-weight: bold; padding: 0.5em 0.8em;
  margin: 0.5em 0; border-radius: 3px; }
section.lm-colophon .lm-methods { background: #f6f6f6; border-left: 4px solid #4a6fa5; padding: 0.6em 0.9em;
  max-width: 60em; line-height: 1.45; }
section.lm-colophon .lm-methods p { margin: 0; }
section.lm-colophon .lm-references { font-size: 0.9em; max-width: 60em; list-style: none; padding-left: 0; }
section.lm-colophon .lm-references li { padding-left: 1.5em; text-indent: -1.5em; margin: 0.15em 0; }
section.lm-colophon .lm-methods-hint { font-size: 0.9em; color: #444; margin: 0.2em 0; }
</style>
"""


def colophon_html(table, paragraph: str = "", references=(), *, synthetic: bool = False,
                  lang: str = "en") -> str:
    """The colophon DataFrame (and the methods paragraph with its references) as an HTML
    fragment; every text enters through :func:`lmlib.present.html.escape`."""
    from .present.html import escape as esc

    words = lang if lang in LANGS else "en"
    t = lambda key: _text(key, words)  # noqa: E731
    out = [_CSS, f'<section class="lm-colophon" aria-label="{esc(t("colophon.label"))}">']
    if synthetic:
        out.append(f'<div class="lm-synthetic">{esc(t("colophon.banner"))}</div>')
    out.append('<table class="lm-colophon-table"><tbody>')
    group = None
    hashes = {_text(k, code) for k in ("colophon.input_sha", "colophon.codebook_sha", "colophon.commit")
              for code in LANGS}
    for row in table.itertuples(index=False):
        if row.group != group:
            group = row.group
            out.append(f'<tr><th scope="rowgroup" colspan="2">{esc(group)}</th></tr>')
        css = ' class="lm-hash"' if row.item in hashes else ""
        out.append(f"<tr><th scope=\"row\">{esc(row.item)}</th><td{css}>{esc(row.value)}</td></tr>")
    out.append("</tbody></table>")
    if paragraph:
        out.append(f"<h3>{esc(t('colophon.methods_heading'))}</h3>")
        out.append(f'<p class="lm-methods-hint">{esc(t("colophon.methods_hint"))}</p>')
        out.append(f'<div class="lm-methods"><p>{esc(paragraph)}</p></div>')
    if references:
        out.append(f"<h4>{esc(t('colophon.references'))}</h4>")
        out.append('<ul class="lm-references">' + "".join(f"<li>{esc(r)}</li>" for r in references) + "</ul>")
    out.append("</section>")
    return "\n".join(out)


def show_colophon(cohort, parameters: dict | None = None, sections=None, codebook=None) -> None:
    """Display the colophon and the methods paragraph (the last cell of every report).

    Parameters
    ----------
    cohort : the notebook's :class:`lmlib.cohort.Cohort`.
    parameters : the notebook's parameters, e.g. ``dict(data=data, lang=lang, ...)``;
        ``lang``, ``decimals``, ``decimal_mark`` and ``continuous_summary`` in it shape the
        colophon and the paragraph.
    sections : methods to name (:func:`method_topics`); default all, for the whole paper.
    codebook : the labels of a grouping and Cox covariates named in the paragraph.

    Returns None, so that the cell shows nothing else; :func:`colophon` and
    :func:`methods_paragraph` return the data.
    """
    from IPython.display import HTML, display

    parameters = parameters or {}
    lang = parameters.get("lang") or "en"
    lang = lang if lang in LANGS else "en"
    table = colophon(cohort, parameters, lang=lang)
    summary = parameters.get("continuous_summary") or ""
    options = methods_options(parameters, sections)
    paragraph = methods_paragraph(lang, sections, continuous_summary=summary, decimals=parameters.get("decimals", 1),
                                  decimal_mark=parameters.get("decimal_mark") or ".", options=options,
                                  codebook=codebook)
    prov = cohort.provenance() if hasattr(cohort, "provenance") else dict(cohort)
    display(HTML(colophon_html(table, paragraph, methods_references(sections, summary, options),
                               synthetic=bool(prov.get("synthetic")), lang=lang)))
