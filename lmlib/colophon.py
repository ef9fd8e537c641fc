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

import html
import importlib.metadata
import platform
import subprocess

from . import config

VERSION_PACKAGES = ("lmlib", "Python", "pandas", "numpy", "scipy", "statsmodels", "lifelines",
                    "matplotlib", "seaborn", "papermill", "nbconvert")
COLOPHON_COLUMNS = ["group", "item", "value"]
NOT_A_CHECKOUT = "not a git checkout"
DIRTY = "(uncommitted changes)"
SYNTHETIC_BANNER = ("SYNTHETIC DATA: these numbers come from the bundled synthetic cohort, "
                    "not from patients. Do not cite them.")
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


def file_name(value: str | None) -> str:
    """The last component of a path written with / or \\ (the folder is never shown), or
    "(withheld: ...)" when it looks like a direct identifier (:func:`lmlib.provenance.shown_name`)."""
    from .provenance import WITHHELD, shown_name

    if value is None:
        return WITHHELD
    shown = shown_name(value)
    return WITHHELD if shown is None else shown


def shown_parameters(parameters: dict | None) -> dict[str, str]:
    """The parameters as a report shows them, as text: strings quoted, paths by their file
    name only (never a folder), an empty ``data``/``codebook`` spelled out, the data cut-off as
    its month. ``globals()`` may be passed: names starting with ``_`` and non-scalar values
    (modules, DataFrames) are left out."""
    defaults = {"data": "'' (the bundled synthetic cohort)", "codebook": "'' (data/codebook.yaml)"}
    shown = {}
    lang = (parameters or {}).get("lang")
    for name, value in (parameters or {}).items():
        if name.startswith("_") or not isinstance(value, (str, int, float, bool, type(None))):
            continue
        if name == "data_cut" and isinstance(value, str) and value:
            shown[name] = data_cut_text(value, lang if lang in LANGS else "en")
        elif isinstance(value, str):
            shown[name] = defaults[name] if not value and name in defaults else repr(file_name(value))
        else:
            shown[name] = str(value)
    return shown


def data_cut_text(data_cut, lang: str = "en") -> str:
    """The data cut-off as a shared report shows it: its month ("December 2018", "Aralık
    2018"), never the day; "not given" when empty (the colophon's labels are English); text
    that is not a date as it is."""
    from .formatting import fmt_month

    if not data_cut:
        return "not given"
    try:
        return fmt_month(data_cut, lang)
    except (ValueError, TypeError):
        return str(data_cut)


def colophon(cohort, parameters: dict | None = None, *, versions: dict | None = None,
             commit: str | None = None):
    """The colophon as a DataFrame with columns ``group``, ``item``, ``value`` (all strings).

    Parameters
    ----------
    cohort : a :class:`lmlib.cohort.Cohort` (its ``provenance()`` is used) or a provenance dict.
    parameters : the notebook's parameters (a dict; ``globals()`` works too).
    versions, commit : override the installed versions / git commit (for tests).
    """
    import pandas as pd

    prov = cohort.provenance() if hasattr(cohort, "provenance") else dict(cohort)
    versions = package_versions() if versions is None else versions
    commit = git_commit() if commit is None else commit
    rows = [
        ("Input", "Input file", file_name(prov.get("input_file", ""))),
        ("Input", "Input SHA-256", prov.get("input_sha256", "")),
        ("Input", "Codebook SHA-256", prov.get("codebook_sha256", "")),
        ("Input", "Patients (n)", str(prov.get("n", ""))),
        ("Input", "Data cut-off", data_cut_text(prov.get("data_cut"), _lang(parameters))),
        ("Input", "Synthetic data", "YES: synthetic cohort, not patients" if prov.get("synthetic") else "no"),
        ("Code", "Git commit", commit),
    ]
    rows += [("Parameters", name, value) for name, value in shown_parameters(parameters).items()]
    rows += [("Software", name, version) for name, version in versions.items()]
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
}

_TEXT = {
    "en": {
        "mean_sd": "Continuous variables are summarised as mean ± standard deviation (range); the "
                   "normality of each was assessed with the Shapiro–Wilk test (Shapiro & Wilk 1965).",
        "median_iqr": "{vars} summarised as median [interquartile range], with quartiles by SPSS's "
                      "weighted-average definition (Hyndman & Fan 1996, type 6).",
        "median_one": "{var} was",
        "median_many": "{vars} were",
        "categorical": "Categorical variables are given as n (%), with percentages rounded half away from "
                       "zero to {places}; 95% confidence intervals of proportions are Wilson "
                       "score intervals (Wilson 1927).",
        "crosstab": "Cross-tabulations were tested with Fisher's exact test (2 × 2 tables; Fisher 1922) or "
                    "its Freeman–Halton extension (larger tables; Freeman & Halton 1951), two-sided; given "
                    "the size of the series these tests are exploratory, and no correction for multiple "
                    "testing was made.",
        "survival": "Overall survival was estimated with the Kaplan–Meier method (Kaplan & Meier 1958). "
                    "Median survival is the smallest time at which the survival estimate is 0.5 or less "
                    "(the SPSS convention); its standard error was obtained from the Greenwood variance "
                    "(Greenwood 1926) and a kernel density estimate of the survival curve at the median, "
                    "with a 95% confidence interval of the median ± 1.96 standard errors, as SPSS reports "
                    "it. The Brookmeyer–Crowley 95% confidence interval of the median (Brookmeyer & Crowley "
                    "1982), with the log-log transform, is given as well. Survival between groups was "
                    "compared with the log-rank test (Mantel 1966). Survival at landmark times is read "
                    "off the Kaplan–Meier curve with log-log 95% confidence intervals, and the restricted "
                    "mean survival time is given with its standard error (Royston & Parmar 2013). Hazard "
                    "ratios with 95% confidence intervals come from univariable Cox proportional hazards "
                    "models (Cox 1972), with the proportional-hazards assumption checked by the test of "
                    "Grambsch and Therneau (1994); models with fewer than 10 events per variable are "
                    "labelled exploratory (Peduzzi et al. 1995). Median follow-up was estimated with the "
                    "reverse Kaplan–Meier method (Schemper & Smith 1996).",
        "audit": "The published numbers were checked for internal consistency (percentages against "
                 "their counts and denominators, sums of mutually exclusive categories, subgroup counts "
                 "against their parents, means of whole numbers by the GRIM test (Brown & Heathers 2017), "
                 "and the median ± SE against its 95% confidence interval) and compared with the values "
                 "recomputed from the data at the published precision.",
        "software": "Analyses were performed in Python {Python} with pandas {pandas} (McKinney 2010), SciPy "
                    "{scipy} (Virtanen et al. 2020), statsmodels {statsmodels} (Seabold & Perktold 2010) "
                    "and lifelines {lifelines} (Davidson-Pilon 2019), using lmlib {lmlib}.",
        "heading": "Statistical analysis",
        "references": "References",
    },
    "tr": {
        "mean_sd": "Sürekli değişkenler ortalama ± standart sapma (en küçük–en büyük) olarak özetlenmiş; "
                   "normal dağılıma uygunluk Shapiro–Wilk testi ile değerlendirilmiştir (Shapiro & Wilk 1965).",
        "median_iqr": "{vars} ortanca [çeyrekler arası aralık] olarak özetlenmiş; çeyrekler SPSS'in ağırlıklı "
                      "ortalama tanımıyla hesaplanmıştır (Hyndman & Fan 1996, tip 6).",
        "median_one": "{var}",
        "median_many": "{vars}",
        "categorical": "Kategorik değişkenler n (%) olarak verilmiş; yüzdeler {d} ondalık basamağa, yarım "
                       "değerler sıfırdan uzağa yuvarlanmıştır. Oranların %95 güven aralıkları Wilson skor "
                       "aralığıdır (Wilson 1927).",
        "crosstab": "Çapraz tablolar iki yönlü Fisher kesin testi (2 × 2 tablolar; Fisher 1922) ya da "
                    "Freeman–Halton genişlemesi (daha büyük tablolar; Freeman & Halton 1951) ile "
                    "karşılaştırılmıştır; serinin büyüklüğü nedeniyle bu testler keşif amaçlıdır ve çoklu "
                    "karşılaştırma düzeltmesi yapılmamıştır.",
        "survival": "Genel sağkalım Kaplan–Meier yöntemiyle hesaplanmıştır (Kaplan & Meier 1958). Ortanca "
                    "sağkalım, sağkalım kestiriminin 0.5 ya da altına indiği en küçük süredir (SPSS "
                    "yaklaşımı); standart hatası Greenwood varyansı (Greenwood 1926) ve sağkalım eğrisinin "
                    "ortancadaki çekirdek yoğunluk kestirimi ile bulunmuş, %95 güven aralığı SPSS'teki gibi "
                    "ortanca ± 1.96 standart hata olarak verilmiştir. Ortancanın log-log dönüşümlü "
                    "Brookmeyer–Crowley %95 güven aralığı (Brookmeyer & Crowley 1982) da verilmiştir. "
                    "Gruplar arasında sağkalım log-rank testi ile karşılaştırılmıştır (Mantel 1966). Belirli "
                    "zamanlardaki sağkalım Kaplan–Meier eğrisinden log-log %95 güven aralıklarıyla, "
                    "kısıtlanmış ortalama sağkalım süresi standart hatasıyla verilmiştir (Royston & Parmar "
                    "2013). Tehlike oranları ve %95 güven aralıkları tek değişkenli Cox orantılı tehlikeler "
                    "modelleriyle (Cox 1972) hesaplanmış, orantılı tehlikeler varsayımı Grambsch ve "
                    "Therneau (1994) testiyle sınanmıştır; değişken başına 10'dan az olay bulunan modeller "
                    "keşif amaçlı olarak belirtilmiştir (Peduzzi ve ark. 1995). Ortanca izlem süresi ters "
                    "Kaplan–Meier yöntemiyle hesaplanmıştır (Schemper & Smith 1996).",
        "audit": "Yayımlanan sayılar kendi içinde tutarlılık açısından (yüzdelerin sayı ve paydalarla, "
                 "birbirini dışlayan kategorilerin toplamının, alt grupların üst gruplarla uyumu, tam sayı "
                 "verilerin ortalamalarının GRIM testiyle (Brown & Heathers 2017) ve ortanca ± standart "
                 "hatanın %95 güven aralığıyla uyumu) denetlenmiş ve verilerden yayımlanan duyarlıkta "
                 "yeniden hesaplanan değerlerle karşılaştırılmıştır.",
        "software": "Analizler Python {Python}, pandas {pandas} (McKinney 2010), SciPy {scipy} (Virtanen ve "
                    "ark. 2020), statsmodels {statsmodels} (Seabold & Perktold 2010) ve lifelines "
                    "{lifelines} (Davidson-Pilon 2019) ile, lmlib {lmlib} kullanılarak yapılmıştır.",
        "heading": "İstatistiksel analiz",
        "references": "Kaynaklar",
    },
}

_TOPIC_REFERENCES = {
    "descriptive": ["shapiro", "hyndman", "wilson"],
    "crosstab": ["fisher", "freeman"],
    "survival": ["kaplan", "greenwood", "brookmeyer", "mantel", "royston", "cox", "grambsch", "peduzzi", "schemper"],
    "audit": ["brown"],
    "software": ["pandas", "scipy", "statsmodels", "lifelines"],
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


def methods_paragraph(lang: str = "en", sections=None, *, continuous_summary: str | dict = "",
                      decimals: int = 1, versions: dict | None = None) -> str:
    """A ready-to-paste "Statistical analysis" paragraph for the manuscript.

    Parameters
    ----------
    lang : "en" or "tr".
    sections : which methods to name (see :func:`method_topics`); default all of them.
    continuous_summary : the notebooks' parameter (e.g. ``"age=median_iqr"``): variables
        summarised as median [IQR] instead of mean ± SD (range).
    decimals : decimal places of the percentages.
    versions : package versions (default: the installed ones, :func:`package_versions`).

    Returns
    -------
    The paragraph as plain text (no markup), citations in author-year form; the full
    references are :func:`methods_references`.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    text = _TEXT[lang]
    versions = {**package_versions(), **(versions or {})}
    topics = method_topics(sections)
    parts = []
    if "descriptive" in topics:
        parts.append(text["mean_sd"])
        medians = _median_variables(continuous_summary)
        if medians:
            names = ", ".join(medians)
            subject = (text["median_one"].format(var=names) if len(medians) == 1
                       else text["median_many"].format(vars=names))
            parts.append(text["median_iqr"].format(vars=subject[0].upper() + subject[1:]))
        d = int(decimals)
        places = {0: "whole numbers", 1: "one decimal place", 2: "two decimal places"}.get(d, f"{d} decimal places")
        parts.append(text["categorical"].format(d=d, places=places))
    if "crosstab" in topics:
        parts.append(text["crosstab"])
    if "survival" in topics:
        parts.append(text["survival"])
    if "audit" in topics:
        parts.append(text["audit"])
    parts.append(text["software"].format(**versions))
    return " ".join(parts)


def methods_references(sections=None) -> list[str]:
    """The full references cited by :func:`methods_paragraph` for these sections, in order."""
    keys = []
    for topic in method_topics(sections) + ["software"]:
        keys += _TOPIC_REFERENCES[topic]
    return [REFERENCES[k] for k in keys]


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
section.lm-colophon .lm-references { font-size: 0.9em; max-width: 60em; }
</style>
"""


def colophon_html(table, paragraph: str = "", references=(), *, synthetic: bool = False,
                  lang: str = "en") -> str:
    """The colophon DataFrame (and the methods paragraph) as an HTML fragment."""
    esc = html.escape
    out = [_CSS, '<section class="lm-colophon" aria-label="Colophon">']
    if synthetic:
        out.append(f'<div class="lm-synthetic">{esc(SYNTHETIC_BANNER)}</div>')
    out.append('<table class="lm-colophon-table"><tbody>')
    group = None
    for row in table.itertuples(index=False):
        if row.group != group:
            group = row.group
            out.append(f'<tr><th scope="rowgroup" colspan="2">{esc(group)}</th></tr>')
        css = ' class="lm-hash"' if "SHA-256" in row.item or row.item == "Git commit" else ""
        out.append(f"<tr><th scope=\"row\">{esc(row.item)}</th><td{css}>{esc(row.value)}</td></tr>")
    out.append("</tbody></table>")
    if paragraph:
        heading = _TEXT.get(lang, _TEXT["en"])["heading"]
        out.append(f"<h3>{esc(heading)} (ready to paste)</h3>")
        out.append(f'<div class="lm-methods"><p>{esc(paragraph)}</p></div>')
    if references:
        out.append(f"<h4>{esc(_TEXT.get(lang, _TEXT['en'])['references'])}</h4>")
        out.append('<ol class="lm-references">' + "".join(f"<li>{esc(r)}</li>" for r in references) + "</ol>")
    out.append("</section>")
    return "\n".join(out)


def show_colophon(cohort, parameters: dict | None = None, sections=None) -> None:
    """Display the colophon and the methods paragraph (the last cell of every report).

    Parameters
    ----------
    cohort : the notebook's :class:`lmlib.cohort.Cohort`.
    parameters : the notebook's parameters, e.g. ``dict(data=data, lang=lang, ...)``;
        ``lang``, ``decimals`` and ``continuous_summary`` in it shape the paragraph.
    sections : methods to name (:func:`method_topics`); default all, for the whole paper.

    Returns None, so that the cell shows nothing else; :func:`colophon` and
    :func:`methods_paragraph` return the data.
    """
    from IPython.display import HTML, display

    parameters = parameters or {}
    lang = parameters.get("lang") or "en"
    lang = lang if lang in LANGS else "en"
    table = colophon(cohort, parameters)
    paragraph = methods_paragraph(lang, sections, continuous_summary=parameters.get("continuous_summary") or "",
                                  decimals=parameters.get("decimals", 1))
    prov = cohort.provenance() if hasattr(cohort, "provenance") else dict(cohort)
    display(HTML(colophon_html(table, paragraph, methods_references(sections),
                               synthetic=bool(prov.get("synthetic")), lang=lang)))
