from hypothesis import given, settings, strategies as st

from lmlib.normalize import match_key, tidy_text


def test_turkish_dotted_and_dotless_i_fold_to_the_same_key():
    assert match_key("İNFRATENTORYAL") == match_key("infratentoryal") == match_key("INFRATENTORYAL")
    assert match_key("ışık") == match_key("IŞIK") == match_key("isik")


def test_turkish_letters_match_their_ascii_spellings():
    assert match_key("Baş ağrısı") == match_key("bas agrisi") == match_key("BAŞ AĞRISI")
    assert match_key("Küçük hücreli") == match_key("kucuk hucreli")
    assert match_key("Erkek") != match_key("Kadın")


def test_punctuation_and_white_space_are_unified():
    assert match_key("Supra+infra") == match_key("supra / infra") == match_key(" SUPRA-INFRA ")
    assert match_key("1,5T") == match_key("1.5 t") == match_key("1.5T")
    assert match_key("KS 7") == match_key("ks-7")


def test_symbol_only_values_keep_their_symbols():
    assert match_key("+") == "+"
    assert match_key(" - ") == "-"
    assert match_key("+") != match_key("-")


def test_none_gives_an_empty_key():
    assert match_key(None) == ""


def test_tidy_text_keeps_letters_and_unifies_spaces_and_dashes():
    assert tidy_text("  Bulantı\u2013kusma \u00a0 ") == "Bulantı-kusma"


@settings(max_examples=2000, deadline=None)
@given(st.text())
def test_match_key_is_idempotent_and_never_raises(text):
    key = match_key(text)
    assert match_key(key) == key


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.booleans(), st.text()))
def test_match_key_accepts_any_cell_value(value):
    assert isinstance(match_key(value), str)
