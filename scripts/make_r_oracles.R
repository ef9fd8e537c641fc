#!/usr/bin/env Rscript
# Regenerates tests/data/r_oracles/: R's survival data sets as CSV, two small edge-case sets,
# and R's results on them as JSON, so that the tests can check lmlib against R without R.
#
# Usage, from the repository root (R 4.2 and survival 3.5-3 from Debian: apt-get install
# r-base-core r-cran-survival r-cran-survminer r-cran-jsonlite):
#
#   Rscript scripts/make_r_oracles.R [SURVRM2_R_DIR]
#
# SURVRM2_R_DIR: the R/ folder of survRM2's sources (CRAN, GPL-2; e.g. a checkout of
# github.com/cran/survRM2, whose DESCRIPTION beside R/ gives the version). Its rmst1.R and
# rmst2.R are sourced as they are; without it, the transcription below (the same formulas,
# equal to the sources' results to 1e-13 on these cases) is used, and the JSON says which.
#
# Every model is refitted from the CSV files written here (read back), so that R and the
# tests see the same numbers. Nothing here is computed by lmlib.

suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
OUT <- file.path("tests", "data", "r_oracles")
dir.create(OUT, showWarnings = FALSE, recursive = TRUE)
TIGHT <- coxph.control(eps = 1e-11, toler.chol = 1e-13, iter.max = 100)
Z975 <- qnorm(0.975)

num <- function(x) {
  x <- as.numeric(x)
  x[is.infinite(x)] <- NA
  x
}

write_json_file <- function(x, name) {
  text <- toJSON(x, digits = NA, auto_unbox = TRUE, na = "null", null = "null", pretty = TRUE)
  writeLines(text, file.path(OUT, name), useBytes = TRUE)
}

# ------------------------------------------------------------------------------ data sets

edge_ties <- function() {
  # 45 patients, times on a coarse grid (many tied deaths, censorings tied with deaths), three
  # groups and two covariates: the case where the PH test's rank transform used to depend on
  # row order.
  set.seed(20240601, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")
  n <- 45
  group <- rep(c("a", "b", "c"), each = 15)
  x <- round(rnorm(n, 50, 10))
  z <- rbinom(n, 1, 0.5)
  rate <- c(a = 1, b = 1.6, c = 2.4)[group] * exp(0.02 * (x - 50))
  death <- rexp(n, rate / 100)
  censor <- runif(n, 20, 250)
  time <- pmax(10, 10 * ceiling(pmin(death, censor) / 10))
  data.frame(time = time, status = as.integer(death <= censor), group = group, x = x, z = z)
}

edge_separation <- function() {
  # Monotone likelihood: every patient with x = 1 dies before anyone with x = 0, so the
  # partial likelihood grows without bound in the coefficient of x (complete separation).
  data.frame(time = c(1:5, 6:20), status = c(rep(1, 5), rep(c(1, 0), length.out = 15)),
             x = c(rep(1, 5), rep(0, 15)),
             age = c(61, 55, 70, 48, 66, 59, 63, 52, 71, 45, 68, 57, 62, 49, 73, 58, 64, 51, 69, 60))
}

edge_hospital <- function() {
  # A cohort export the way a Turkish hospital writes it (Turkish headers and spellings,
  # dd.mm.yyyy dates, delimited multi-response cells, blanks), 150 patients: the end-to-end
  # case of lmlib.compare_groups (cleaned by lmlib, tested here on the raw columns).
  set.seed(20240602, kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")
  n <- 150
  primary <- sample(c("Akciğer", "Meme", "Cilt", "Mide", "Over", "Primeri bilinmeyen"), n, TRUE,
                    prob = c(0.45, 0.25, 0.1, 0.1, 0.05, 0.05))
  histology <- ifelse(primary == "Akciğer", sample(c("Adenokarsinom", "Küçük hücreli karsinom"), n, TRUE, c(0.7, 0.3)),
               ifelse(primary == "Meme", "İnvaziv duktal karsinom", ifelse(primary == "Cilt", "Malign melanom",
               ifelse(primary == "Mide", "Adenokarsinom", ifelse(primary == "Over", "Seröz adenokarsinom", "")))))
  treatment <- sample(c("KT", "KT+RT", "Tedavi almadı"), n, TRUE, prob = c(0.5, 0.35, 0.15))
  symptom_names <- c("baş ağrısı", "bilinç değişikliği", "bulantı kusma", "fokal defisit", "genel durum bozukluğu", "nöbet")
  symptom_p <- c(0.8, 0.45, 0.3, 0.2, 0.15, 0.05)
  symptoms <- vapply(seq_len(n), function(i) {
    has <- runif(6) < symptom_p * ifelse(treatment[i] == "Tedavi almadı", 1.3, 1)
    if (!any(has)) has[1] <- TRUE
    paste(symptom_names[has], collapse = "; ")
  }, "")
  metastases <- vapply(seq_len(n), function(i) {
    has <- runif(3) < c(0.7, 0.2, 0.08)
    if (!any(has)) "yok" else paste(c("parankim", "dura", "kalvaryum")[has], collapse = ", ")
  }, "")
  start <- as.Date("2015-01-01") + sample(0:1200, n, TRUE)
  days <- pmax(1, round(rexp(n, 1 / ifelse(treatment == "Tedavi almadı", 40, 120))))
  dead <- runif(n) < 0.8
  hydro <- sample(c("Var", "Yok", ""), n, TRUE, prob = c(0.4, 0.52, 0.08))
  tesla <- sample(c("1.5T", "3T", ""), n, TRUE, prob = c(0.6, 0.32, 0.08))
  data.frame(
    `Hasta No` = sprintf("H%03d", seq_len(n)),
    `Yaş` = round(pmin(88, pmax(25, rnorm(n, ifelse(primary == "Meme", 52, 59), 11)))),
    Cinsiyet = ifelse(primary %in% c("Meme", "Over"), "Kadın", sample(c("Kadın", "Erkek"), n, TRUE)),
    Primer = primary, Histoloji = histology, Semptomlar = symptoms, Tedavi = treatment,
    `Tanı tarihi` = format(start, "%d.%m.%Y"), `Son kontrol tarihi` = format(start + days, "%d.%m.%Y"),
    `Son durum` = ifelse(dead, "Eksitus", "Sağ"),
    `MRG tesla` = tesla, `Eşlik eden metastaz` = metastases,
    Lokalizasyon = sample(c("Supratentoryal", "İnfratentoryal", "Her ikisi"), n, TRUE, prob = c(0.2, 0.35, 0.45)),
    `Kontrastlanma paterni` = sample(c("Lineer", "Nodüler", "Mikst"), n, TRUE, prob = c(0.3, 0.45, 0.25)),
    Hidrosefali = hydro, check.names = FALSE, stringsAsFactors = FALSE)
}

DATASETS <- list(
  lung = survival::lung, veteran = survival::veteran, aml = survival::aml,
  ovarian = survival::ovarian, colon = survival::colon,
  ties = edge_ties(), separation = edge_separation(),
  one_patient = data.frame(time = 42, status = 1, group = "a", x = 1),
  hospital_cohort = edge_hospital()
)
for (name in names(DATASETS)) {
  write.csv(DATASETS[[name]], file.path(OUT, paste0(name, ".csv")), row.names = FALSE, na = "", fileEncoding = "UTF-8")
}
read <- function(name) read.csv(file.path(OUT, paste0(name, ".csv")), stringsAsFactors = FALSE, check.names = FALSE,
                                 na.strings = "", encoding = "UTF-8")
D <- lapply(setNames(names(DATASETS), names(DATASETS)), read)
D$colon_death <- D$colon[D$colon$etype == 2, ]  # one record per patient: death
D$lung$dead <- as.integer(D$lung$status == 2)   # R's 1/2 coding as 0/1

# ------------------------------------------------------------------------------ group tests

complete <- function(data, cols) data[stats::complete.cases(data[, cols, drop = FALSE]), , drop = FALSE]

categorical_case <- function(dataset, variable, by) {
  d <- complete(D[[dataset]], c(variable, by))
  tab <- table(d[[variable]], d[[by]])
  tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
  chi <- suppressWarnings(chisq.test(tab, correct = FALSE))
  fisher <- fisher.test(tab, workspace = 2e8)
  list(dataset = dataset, variable = variable, by = by,
       rows = rownames(tab), cols = colnames(tab), counts = unname(lapply(seq_len(nrow(tab)), function(i) as.integer(tab[i, ]))),
       expected_min = min(chi$expected), chisq = num(chi$statistic), chisq_df = num(chi$parameter),
       chisq_p = num(chi$p.value), fisher_p = num(fisher$p.value))
}

continuous_case <- function(dataset, variable, by) {
  d <- complete(D[[dataset]], c(variable, by))
  g <- factor(d[[by]])
  x <- d[[variable]]
  kw <- kruskal.test(x ~ g)
  an <- anova(lm(x ~ g))  # classical one-way ANOVA (oneway.test refuses a group of one)
  out <- list(dataset = dataset, variable = variable, by = by, groups = levels(g),
              n = as.integer(table(g)),
              kruskal = list(statistic = num(kw$statistic), df = num(kw$parameter), p = num(kw$p.value)),
              anova = list(statistic = num(an[1, "F value"]), df1 = num(an[1, "Df"]), df2 = num(an[2, "Df"]),
                           p = num(an[1, "Pr(>F)"])))
  if (nlevels(g) == 2) {
    w <- wilcox.test(x ~ g, exact = FALSE, correct = TRUE)
    t <- t.test(x ~ g, var.equal = FALSE)
    out$wilcox <- list(statistic = num(w$statistic), p = num(w$p.value))
    out$welch <- list(statistic = num(t$statistic), df = num(t$parameter), p = num(t$p.value))
  }
  out
}

group_tests <- list(
  categorical = list(
    categorical_case("lung", "ph.ecog", "sex"),      # 4 x 2, one patient with ECOG 3: exact
    categorical_case("lung", "inst", "sex"),         # 18 x 2, sparse: exact (Freeman-Halton)
    categorical_case("veteran", "celltype", "trt"),  # 4 x 2, chi-square
    categorical_case("veteran", "prior", "trt"),     # 2 x 2, chi-square
    categorical_case("colon_death", "sex", "rx"),    # 2 x 3, chi-square
    categorical_case("colon_death", "differ", "rx"), # 3 x 3, chi-square
    categorical_case("colon_death", "extent", "rx"), # 4 x 3, expected < 5 (extent 1)
    categorical_case("ovarian", "resid.ds", "rx"),   # 2 x 2, Fisher
    categorical_case("ovarian", "ecog.ps", "rx"),    # 2 x 2, Fisher
    categorical_case("aml", "status", "x")           # 2 x 2, Fisher
  ),
  continuous = list(
    continuous_case("lung", "age", "sex"),
    continuous_case("lung", "wt.loss", "sex"),      # missing values
    continuous_case("lung", "age", "ph.ecog"),      # four groups, one of one patient
    continuous_case("lung", "meal.cal", "ph.ecog"),
    continuous_case("veteran", "karno", "celltype"),  # heavy ties
    continuous_case("veteran", "age", "trt"),
    continuous_case("colon_death", "age", "rx"),
    continuous_case("colon_death", "nodes", "rx"),
    continuous_case("ovarian", "age", "rx"),
    continuous_case("ties", "x", "group")
  )
)
# the hospital-style export: every test lmlib.compare_groups makes, on the raw columns, named by
# lmlib's test unit (item, or item:option for an option of a multi-response item)
hospital_tests <- function(by) {
  d <- D$hospital_cohort
  g <- d[[by]]
  option <- function(column, pattern) ifelse(is.na(d[[column]]), NA, ifelse(grepl(pattern, d[[column]], fixed = TRUE), "yes", "no"))
  items <- list(sex = d$Cinsiyet, primary_site = d$Primer, histology = d$Histoloji, treatment = d$Tedavi,
                vital_status = d$`Son durum`, field_strength = d$`MRG tesla`, lm_location = d$Lokalizasyon,
                enhancement_pattern = d$`Kontrastlanma paterni`, hydrocephalus = d$Hidrosefali,
                isolated_lm = ifelse(d$`Eşlik eden metastaz` == "yok", "yes", "no"),
                `metastases:parenchyma` = option("Eşlik eden metastaz", "parankim"),
                `metastases:dura` = option("Eşlik eden metastaz", "dura"),
                `metastases:calvarium` = option("Eşlik eden metastaz", "kalvaryum"))
  names_sym <- c(headache = "baş ağrısı", altered_consciousness = "bilinç değişikliği", nausea_vomiting = "bulantı kusma",
                 focal_deficit = "fokal defisit", general_deterioration = "genel durum bozukluğu", seizure = "nöbet")
  for (k in names(names_sym)) items[[paste0("symptoms:", k)]] <- option("Semptomlar", names_sym[[k]])
  byname <- c(Cinsiyet = "sex", Tedavi = "treatment")[[by]]
  items[[byname]] <- NULL
  out <- list()
  for (item in names(items)) {
    x <- items[[item]]
    keep <- !is.na(x) & !is.na(g)
    tab <- table(x[keep], g[keep])
    tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
    if (nrow(tab) < 2 || ncol(tab) < 2) { out[[item]] <- list(testable = FALSE); next }
    chi <- suppressWarnings(chisq.test(tab, correct = FALSE))
    out[[item]] <- list(testable = TRUE, expected_min = min(chi$expected), chisq = num(chi$statistic),
                        chisq_p = num(chi$p.value), fisher_p = num(fisher.test(tab, workspace = 2e8)$p.value),
                        n = sum(tab))
  }
  age <- d$`Yaş`
  gg <- factor(g)
  age_tests <- list(kruskal_p = num(kruskal.test(age ~ gg)$p.value), anova_p = num(anova(lm(age ~ gg))[1, "Pr(>F)"]))
  if (nlevels(gg) == 2) {
    age_tests$wilcox_p <- num(wilcox.test(age ~ gg, exact = FALSE, correct = TRUE)$p.value)
    age_tests$welch_p <- num(t.test(age ~ gg)$p.value)
  }
  out$age <- age_tests
  list(by = byname, column = by, tests = out)
}

p_raw <- c(0.001, 0.04, 0.03, 0.2, 0.5, 0.012, 0.049, 0.9, NA, 0.0001)
group_tests$hospital <- list(hospital_tests("Tedavi"), hospital_tests("Cinsiyet"))
group_tests$p_adjust <- list(p = num(p_raw), bh = num(p.adjust(p_raw, "BH")), holm = num(p.adjust(p_raw, "holm")))

# ------------------------------------------------------------------------------ survival

surv_formula <- function(time, status, rhs = "1") as.formula(paste0("Surv(`", time, "`, `", status, "`) ~ ", rhs))
bq <- function(x) paste0("`", x, "`")

quantiles <- function(fit, label) {
  q <- quantile(fit, probs = c(0.25, 0.5, 0.75))
  list(label = label, q1 = num(q$quantile[1]), median = num(q$quantile[2]), q3 = num(q$quantile[3]),
       median_lower = num(q$lower[2]), median_upper = num(q$upper[2]))
}

km_case <- function(dataset, time, status, by = NULL, subset = NULL) {
  d <- D[[dataset]]
  if (!is.null(subset)) d <- d[d[[subset$column]] == subset$value, , drop = FALSE]
  parts <- if (is.null(by)) list(all = d) else split(d, d[[by]])
  rows <- list()
  for (key in names(parts)) {
    p <- parts[[key]]
    km <- list(loglog = survfit(surv_formula(time, status), data = p, conf.type = "log-log"),
               log = survfit(surv_formula(time, status), data = p, conf.type = "log"))
    p$reverse <- 1 - p[[status]]
    fu <- survfit(surv_formula(time, "reverse"), data = p, conf.type = "log-log")
    rows[[length(rows) + 1]] <- list(
      group = key, n = nrow(p),
      survival_loglog = quantiles(km$loglog, "S"), survival_log = quantiles(km$log, "S"),
      followup = quantiles(fu, "reverse KM"))
  }
  list(dataset = dataset, time = time, status = status, by = by, subset = subset, groups = rows)
}

km <- list(
  km_case("aml", "time", "status", "x"),
  km_case("aml", "time", "status"),
  km_case("lung", "time", "dead"),
  km_case("lung", "time", "dead", "sex"),
  km_case("veteran", "time", "status", "trt"),
  km_case("ovarian", "futime", "fustat", "rx"),
  km_case("colon_death", "time", "status", "rx"),
  km_case("ties", "time", "status", "group"),
  km_case("one_patient", "time", "status")
)

pairwise_case <- function(dataset, time, status, by) {
  d <- complete(D[[dataset]], c(time, status, by))
  d[[by]] <- factor(d[[by]])
  lv <- levels(d[[by]])
  pairs <- list()
  for (i in seq_along(lv)) for (j in seq_along(lv)) if (i < j) {
    sub <- d[d[[by]] %in% lv[c(i, j)], ]
    sd <- survdiff(surv_formula(time, status, bq(by)), data = sub)
    pairs[[length(pairs) + 1]] <- list(group_a = lv[i], group_b = lv[j], chisq = num(sd$chisq),
                                       p = num(pchisq(sd$chisq, 1, lower.tail = FALSE)))
  }
  p <- sapply(pairs, `[[`, "p")
  holm <- p.adjust(p, "holm")
  bh <- p.adjust(p, "BH")
  for (k in seq_along(pairs)) { pairs[[k]]$p_holm <- holm[k]; pairs[[k]]$p_bh <- bh[k] }
  # survminer's pairwise_survdiff, the function R users call, as a second reference
  names(d)[names(d) == by] <- "grp"
  sm <- list()
  for (method in c("holm", "BH", "none")) {
    res <- survminer::pairwise_survdiff(surv_formula(time, status, "grp"), data = d, p.adjust.method = method)
    m <- res$p.value
    sm[[method]] <- lapply(seq_len(nrow(m)), function(r) lapply(seq_len(ncol(m)), function(c)
      if (is.na(m[r, c])) NULL else list(group_a = colnames(m)[c], group_b = rownames(m)[r], p = m[r, c])))
    sm[[method]] <- Filter(Negate(is.null), unlist(sm[[method]], recursive = FALSE))
  }
  overall <- survdiff(surv_formula(time, status, "grp"), data = d)
  list(dataset = dataset, time = time, status = status, by = by, levels = lv, pairs = pairs,
       survminer = sm, overall_chisq = num(overall$chisq),
       overall_df = length(lv) - 1L, overall_p = num(pchisq(overall$chisq, length(lv) - 1, lower.tail = FALSE)))
}

pairwise <- list(
  pairwise_case("veteran", "time", "status", "celltype"),
  pairwise_case("colon_death", "time", "status", "rx"),
  pairwise_case("lung", "time", "dead", "ph.ecog"),
  pairwise_case("ties", "time", "status", "group")
)

# ---- the pre-3.0 cox.zph (survival 2.44-1.1, R/cox.zph.S, unchanged from 2017 to its
# replacement in 3.0): the score approximation lifelines implements. Transcribed, with the
# left-continuous KM of the "km" transform and R's rank() (mid-ranks) of the death times.
cox_zph_old <- function(fit, transform = "km", global = TRUE) {
  sresid <- resid(fit, "schoenfeld")
  varnames <- names(fit$coefficients)
  nvar <- length(varnames)
  ndead <- length(sresid) / nvar
  if (nvar == 1) times <- as.numeric(names(sresid)) else times <- as.numeric(dimnames(sresid)[[1]])
  sresid <- matrix(sresid, ncol = nvar)
  ttimes <- switch(transform,
    identity = times, rank = rank(times), log = log(times),
    km = {
      temp <- survfit(fit$y ~ 1, se.fit = FALSE)
      t1 <- temp$surv[temp$n.event > 0]
      t2 <- temp$n.event[temp$n.event > 0]
      km <- rep(c(1, t1), c(t2, 0))
      1 - km
    })
  xx <- ttimes - mean(ttimes)
  r2 <- sresid %*% fit$var * ndead
  test <- xx %*% r2
  z <- c(test^2 / (diag(fit$var) * ndead * sum(xx^2)))
  out <- list(terms = as.list(setNames(z, varnames)),
              p = as.list(setNames(pchisq(z, 1, lower.tail = FALSE), varnames)))
  if (global) {
    test <- c(xx %*% sresid)
    zg <- c(test %*% fit$var %*% test) * ndead / sum(xx^2)
    out$global <- list(chisq = zg, df = nvar, p = pchisq(zg, nvar, lower.tail = FALSE))
  }
  out
}

fit_quiet <- function(formula, data, control) {
  warned <- character()
  fit <- withCallingHandlers(
    tryCatch(coxph(formula, data = data, ties = "efron", control = control, model = TRUE, x = TRUE),
             error = function(e) structure(list(message = conditionMessage(e)), class = "fit_error")),
    warning = function(w) { warned <<- c(warned, conditionMessage(w)); invokeRestart("muffleWarning") })
  list(fit = fit, warnings = trimws(warned))
}

cox_case <- function(name, dataset, time, status, terms, factors = list()) {
  # terms: column names; factors: column -> reference level (as text)
  d <- complete(D[[dataset]], c(time, status, terms))
  for (col in names(factors)) d[[col]] <- relevel(factor(as.character(d[[col]])), ref = factors[[col]])
  rhs <- paste(bq(terms), collapse = " + ")
  f <- surv_formula(time, status, rhs)
  tight <- fit_quiet(f, d, TIGHT)
  default <- fit_quiet(f, d, coxph.control())
  out <- list(name = name, dataset = dataset, time = time, status = status, terms = terms,
              factors = factors, warnings = I(tight$warnings), control = list(eps = 1e-11, toler.chol = 1e-13, iter.max = 100))
  if (inherits(tight$fit, "fit_error")) { out$error <- tight$fit$message; return(out) }
  fit <- tight$fit
  cf <- coef(fit)
  se <- sqrt(diag(fit$var))
  # lmlib's names, in R's coefficient order: "column" for a number, "column=level" for a factor level
  map <- unlist(lapply(terms, function(col) {
    if (col %in% names(factors)) paste0(col, "=", levels(d[[col]])[-1]) else col
  }))
  stopifnot(length(map) == length(cf))
  zph_old <- lapply(c(km = "km", rank = "rank", identity = "identity", log = "log"),
                    function(tr) cox_zph_old(fit, tr, global = TRUE))
  zph_new <- tryCatch({
    z <- cox.zph(fit, transform = "km", terms = TRUE)
    list(table = lapply(seq_len(nrow(z$table)), function(i) list(term = rownames(z$table)[i],
         chisq = num(z$table[i, "chisq"]), df = num(z$table[i, "df"]), p = num(z$table[i, "p"]))))
  }, error = function(e) list(error = conditionMessage(e)))
  rename <- function(x) { names(x) <- map; x }
  for (tr in names(zph_old)) { zph_old[[tr]]$terms <- rename(zph_old[[tr]]$terms); zph_old[[tr]]$p <- rename(zph_old[[tr]]$p) }
  # likelihood-ratio test per column (all its levels at once, k - 1 df), refitted tightly
  lr <- list()
  for (col in terms) {
    rest <- setdiff(terms, col)
    reduced <- if (length(rest)) coxph(surv_formula(time, status, paste(bq(rest), collapse = " + ")), data = d,
                                       ties = "efron", control = TIGHT) else NULL
    ll0 <- if (is.null(reduced)) fit$loglik[1] else reduced$loglik[2]
    chisq <- 2 * (fit$loglik[2] - ll0)
    dfk <- if (col %in% names(factors)) nlevels(d[[col]]) - 1L else 1L
    lr[[col]] <- list(chisq = chisq, df = dfk, p = pchisq(chisq, dfk, lower.tail = FALSE))
  }
  s <- summary(fit)
  out$n <- fit$n
  out$events <- fit$nevent
  out$iterations <- fit$iter
  out$loglik_null <- fit$loglik[1]
  out$loglik <- fit$loglik[2]
  out$lr_test <- list(chisq = num(s$logtest["test"]), df = num(s$logtest["df"]), p = num(s$logtest["pvalue"]))
  # fit$wald.test: summary()'s waldtest is rounded to 2 decimals
  out$wald_test <- list(chisq = num(fit$wald.test), df = length(cf),
                        p = num(pchisq(fit$wald.test, length(cf), lower.tail = FALSE)))
  out$score_test <- list(chisq = num(s$sctest["test"]), df = num(s$sctest["df"]), p = num(s$sctest["pvalue"]))
  out$concordance <- num(fit$concordance["concordance"])
  out$coefficients <- lapply(seq_along(cf), function(i) list(
    term = map[i], coef = num(cf[i]), se = num(se[i]), hr = num(exp(cf[i])),
    lower = num(exp(cf[i] - Z975 * se[i])), upper = num(exp(cf[i] + Z975 * se[i])),
    z = num(cf[i] / se[i]), p = num(2 * pnorm(-abs(cf[i] / se[i])))))
  out$lr_per_column <- lr
  out$ph_old <- zph_old
  out$ph_new_km <- zph_new
  if (!inherits(default$fit, "fit_error")) {
    out$default_control_max_rel_diff <- max(abs(coef(default$fit) - cf) / pmax(abs(cf), 1e-300))
    out$default_control_warnings <- I(default$warnings)
  }
  out
}

cox <- list(
  cox_case("lung_age_sex_ecog", "lung", "time", "dead", c("age", "sex", "ph.ecog"), list(sex = "1")),
  cox_case("lung_ecog_factor", "lung", "time", "dead", c("age", "sex", "ph.ecog", "wt.loss"),
           list(sex = "1", ph.ecog = "0")),
  cox_case("veteran_full", "veteran", "time", "status", c("trt", "celltype", "karno", "diagtime", "age", "prior"),
           list(celltype = "squamous")),
  cox_case("colon_death", "colon_death", "time", "status", c("rx", "sex", "age", "nodes", "differ", "obstruct"),
           list(rx = "Obs", differ = "1")),
  cox_case("ovarian", "ovarian", "futime", "fustat", c("age", "ecog.ps", "rx")),
  cox_case("aml", "aml", "time", "status", c("x"), list(x = "Maintained")),
  cox_case("ties", "ties", "time", "status", c("group", "x", "z"), list(group = "a")),
  cox_case("separation", "separation", "time", "status", c("x", "age")),
  cox_case("one_patient", "one_patient", "time", "status", c("x"))
)

# ---- RMST between two groups: survRM2 (Uno et al. 2014), sourced or transcribed
survrm2_source <- "transcription of survRM2 1.0-4 rmst1/rmst2 (unadjusted)"
if (length(args) >= 1 && file.exists(file.path(args[1], "rmst1.R"))) {
  source(file.path(args[1], "rmst1.R"))
  source(file.path(args[1], "rmst2.R"))
  description <- file.path(dirname(normalizePath(args[1])), "DESCRIPTION")
  version <- if (file.exists(description)) read.dcf(description, fields = "Version")[1, 1] else "(version unknown)"
  survrm2_source <- paste("survRM2", version, "sources rmst1.R and rmst2.R, sourced as they are")
} else {
  rmst1 <- function(time, status, tau, alpha = 0.05) {
    ft <- survfit(Surv(time, status) ~ 1)
    idx <- ft$time <= tau
    wk.time <- sort(c(ft$time[idx], tau))
    wk.surv <- ft$surv[idx]; wk.n.risk <- ft$n.risk[idx]; wk.n.event <- ft$n.event[idx]
    areas <- diff(c(0, wk.time)) * c(1, wk.surv)
    rmst <- sum(areas)
    wk.var <- c(ifelse((wk.n.risk - wk.n.event) == 0, 0, wk.n.event / (wk.n.risk * (wk.n.risk - wk.n.event))), 0)
    rmst.var <- sum(cumsum(rev(areas[-1]))^2 * rev(wk.var)[-1])
    list(rmst = c(rmst, sqrt(rmst.var)), rmst.var = rmst.var, rmtl = c(tau - rmst))
  }
  rmst2 <- function(time, status, arm, tau, alpha = 0.05) {
    w1 <- rmst1(time[arm == 1], status[arm == 1], tau); w0 <- rmst1(time[arm == 0], status[arm == 0], tau)
    q <- qnorm(1 - alpha / 2)
    d <- w1$rmst[1] - w0$rmst[1]; dse <- sqrt(w1$rmst.var + w0$rmst.var)
    r <- log(w1$rmst[1]) - log(w0$rmst[1]); rse <- sqrt(w1$rmst.var / w1$rmst[1]^2 + w0$rmst.var / w0$rmst[1]^2)
    l <- log(w1$rmtl[1]) - log(w0$rmtl[1]); lse <- sqrt(w1$rmst.var / w1$rmtl[1]^2 + w0$rmst.var / w0$rmtl[1]^2)
    out <- rbind(c(d, d - q * dse, d + q * dse, 2 * pnorm(-abs(d) / dse)),
                 c(exp(r), exp(r - q * rse), exp(r + q * rse), 2 * pnorm(-abs(r) / rse)),
                 c(exp(l), exp(l - q * lse), exp(l + q * lse), 2 * pnorm(-abs(l) / lse)))
    list(tau = tau, RMST.arm1 = w1, RMST.arm0 = w0, unadjusted.result = out)
  }
}

rmst_case <- function(dataset, time, status, by, arm1, arm0, tau) {
  d <- complete(D[[dataset]], c(time, status, by))
  d <- d[as.character(d[[by]]) %in% c(arm1, arm0), ]
  arm <- as.integer(as.character(d[[by]]) == arm1)
  res <- rmst2(d[[time]], d[[status]], arm, tau = tau)
  u <- res$unadjusted.result
  sf <- summary(survfit(surv_formula(time, status, bq(by)), data = d), rmean = tau)$table
  row <- function(level) sf[paste0(by, "=", level), ]
  default_tau <- suppressWarnings(rmst2(d[[time]], d[[status]], arm)$tau)
  list(dataset = dataset, time = time, status = status, by = by, arm1 = arm1, arm0 = arm0, tau = tau,
       default_tau = num(default_tau), rmst_arm1 = num(res$RMST.arm1$rmst[1]), se_arm1 = num(sqrt(res$RMST.arm1$rmst.var)),
       rmst_arm0 = num(res$RMST.arm0$rmst[1]), se_arm0 = num(sqrt(res$RMST.arm0$rmst.var)),
       difference = list(estimate = num(u[1, 1]), lower = num(u[1, 2]), upper = num(u[1, 3]), p = num(u[1, 4])),
       ratio = list(estimate = num(u[2, 1]), lower = num(u[2, 2]), upper = num(u[2, 3]), p = num(u[2, 4])),
       rmtl_ratio = list(estimate = num(u[3, 1]), lower = num(u[3, 2]), upper = num(u[3, 3]), p = num(u[3, 4])),
       survival_rmean = list(arm1 = num(row(arm1)["rmean"]), se_arm1 = num(row(arm1)["se(rmean)"]),
                             arm0 = num(row(arm0)["rmean"]), se_arm0 = num(row(arm0)["se(rmean)"])))
}

rmst <- list(
  rmst_case("veteran", "time", "status", "trt", "2", "1", 200),
  rmst_case("aml", "time", "status", "x", "Maintained", "Nonmaintained", 45),
  rmst_case("lung", "time", "dead", "sex", "2", "1", 365),
  rmst_case("ovarian", "futime", "fustat", "rx", "2", "1", 700),
  rmst_case("colon_death", "time", "status", "rx", "Lev+5FU", "Obs", 1825),
  rmst_case("ties", "time", "status", "group", "c", "a", 100)
)

# ---- landmark analysis: patients still at risk at day L (time >= L), time from L, log-rank
landmark_case <- function(dataset, time, status, by, landmark) {
  d <- complete(D[[dataset]], c(time, status, by))
  at <- d[d[[time]] >= landmark, ]
  at$since <- at[[time]] - landmark
  sd <- survdiff(surv_formula("since", status, bq(by)), data = at)
  k <- length(sd$n)
  list(dataset = dataset, time = time, status = status, by = by, landmark = landmark,
       n_before = nrow(d), n_at_landmark = nrow(at), events_after = sum(at[[status]]),
       n_by_group = as.list(setNames(as.integer(sd$n), sub(paste0("^", by, "="), "", names(sd$n)))),
       chisq = num(sd$chisq), df = k - 1L, p = num(pchisq(sd$chisq, k - 1, lower.tail = FALSE)))
}

landmark <- list(
  landmark_case("veteran", "time", "status", "trt", 30),
  landmark_case("veteran", "time", "status", "celltype", 90),
  landmark_case("colon_death", "time", "status", "rx", 365),
  landmark_case("lung", "time", "dead", "sex", 180)
)

meta <- list(
  generated_by = "scripts/make_r_oracles.R", r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  survminer_version = as.character(packageVersion("survminer")),
  jsonlite_version = as.character(packageVersion("jsonlite")),
  datasets = paste("R survival package data sets lung, veteran, aml, ovarian, colon (LGPL-2 or later);",
                   "ties, separation, one_patient, hospital_cohort made by this script")
)
write_json_file(c(meta, group_tests), "group_tests.json")
write_json_file(c(meta, list(km = km, pairwise = pairwise, rmst = rmst, rmst_source = survrm2_source,
                             landmark = landmark)), "survival.json")
write_json_file(c(meta, list(cox = cox)), "cox.json")
cat("wrote", OUT, "\n")
