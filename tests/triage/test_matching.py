"""§1.1: one way of matching medicine names and typed words, every list entry by example."""

import pytest

from triage.matching import (
    BLOOD_THINNER,
    FREE_TEXT_ENGLISH,
    FREE_TEXT_SPANISH,
    H2_BLOCKER,
    METFORMIN,
    PROTON_PUMP_INHIBITOR,
    TERM_LISTS,
    VITAMIN_B6,
    find_terms,
    first_term,
    normalise,
)

# (list, term, a literal example a patient or the desk could type). Written by hand: an
# example generated from the term itself would only test the test.
EXAMPLES = [
    (METFORMIN, "metformin*", "Metformina 850 mg"),
    (METFORMIN, "glucophage*", "GLUCOPHAGE XR"),
    (METFORMIN, "glumetza*", "Glumetza 500"),
    (METFORMIN, "fortamet*", "Fortamet ER"),
    (METFORMIN, "riomet*", "Riomet solution"),
    (METFORMIN, "janumet*", "Janumet XR 50/1000"),
    (METFORMIN, "jentadueto*", "Jentadueto 2.5/850"),
    (METFORMIN, "synjardy*", "Synjardy"),
    (METFORMIN, "xigduo*", "Xigduo XR"),
    (METFORMIN, "invokamet*", "Invokamet"),
    (METFORMIN, "kombiglyze*", "Kombiglyze XR"),
    (METFORMIN, "segluromet*", "Segluromet"),
    (PROTON_PUMP_INHIBITOR, "omeprazol*", "Omeprazol 20 mg"),
    (PROTON_PUMP_INHIBITOR, "esomeprazol*", "Esomeprazol"),
    (PROTON_PUMP_INHIBITOR, "lansoprazol*", "lansoprazole 30mg"),
    (PROTON_PUMP_INHIBITOR, "dexlansoprazol*", "Dexlansoprazole"),
    (PROTON_PUMP_INHIBITOR, "pantoprazol*", "Pantoprazol sódico"),
    (PROTON_PUMP_INHIBITOR, "rabeprazol*", "Rabeprazole sodium"),
    (PROTON_PUMP_INHIBITOR, "prilosec*", "Prilosec OTC"),
    (PROTON_PUMP_INHIBITOR, "losec*", "Losec"),
    (PROTON_PUMP_INHIBITOR, "nexium*", "Nexium 24HR"),
    (PROTON_PUMP_INHIBITOR, "prevacid*", "Prevacid SoluTab"),
    (PROTON_PUMP_INHIBITOR, "dexilant*", "Dexilant"),
    (PROTON_PUMP_INHIBITOR, "protonix*", "Protonix"),
    (PROTON_PUMP_INHIBITOR, "pantoloc*", "Pantoloc"),
    (PROTON_PUMP_INHIBITOR, "aciphex*", "AcipHex"),
    (PROTON_PUMP_INHIBITOR, "pariet*", "Pariet 10"),
    (PROTON_PUMP_INHIBITOR, "zegerid*", "Zegerid"),
    (H2_BLOCKER, "famotidin*", "Famotidina 40 mg"),
    (H2_BLOCKER, "cimetidin*", "cimetidine"),
    (H2_BLOCKER, "nizatidin*", "Nizatidine 150"),
    (H2_BLOCKER, "ranitidin*", "Ranitidina"),
    (H2_BLOCKER, "pepcid*", "Pepcid AC 10 mg"),
    (H2_BLOCKER, "tagamet*", "Tagamet HB"),
    (H2_BLOCKER, "axid*", "Axid"),
    (H2_BLOCKER, "zantac*", "Zantac 360"),
    (VITAMIN_B6, "pyridoxin*", "Pyridoxine HCl"),
    (VITAMIN_B6, "piridoxin*", "Piridoxina"),
    (VITAMIN_B6, "pyridoxal*", "Pyridoxal 5'-phosphate"),
    (VITAMIN_B6, "piridoxal*", "piridoxal fosfato"),
    (VITAMIN_B6, "b6", "Vitamin B6 100 mg"),
    (VITAMIN_B6, "b 6", "Vitamin B-6 100 mg"),
    (BLOOD_THINNER, "warfarin*", "Warfarina 5 mg"),
    (BLOOD_THINNER, "acenocoumarol*", "Acenocoumarol 4 mg"),
    (BLOOD_THINNER, "phenprocoumon*", "Phenprocoumon"),
    (BLOOD_THINNER, "apixaban*", "Apixabán 5 mg"),
    (BLOOD_THINNER, "rivaroxaban*", "rivaroxaban"),
    (BLOOD_THINNER, "dabigatran*", "Dabigatrán etexilato"),
    (BLOOD_THINNER, "edoxaban*", "Edoxaban 60"),
    (BLOOD_THINNER, "heparin*", "heparina"),
    (BLOOD_THINNER, "enoxaparin*", "Enoxaparina 40 mg"),
    (BLOOD_THINNER, "dalteparin*", "Dalteparin injections"),
    (BLOOD_THINNER, "tinzaparin*", "Tinzaparina"),
    (BLOOD_THINNER, "fondaparinux*", "Fondaparinux"),
    (BLOOD_THINNER, "bemiparin*", "Bemiparina"),
    (BLOOD_THINNER, "nadroparin*", "Nadroparine"),
    (BLOOD_THINNER, "coumadin*", "Coumadin 5"),
    (BLOOD_THINNER, "jantoven*", "Jantoven"),
    (BLOOD_THINNER, "sintrom*", "Sintrom 4"),
    (BLOOD_THINNER, "marcoumar*", "Marcoumar"),
    (BLOOD_THINNER, "eliquis*", "Eliquis"),
    (BLOOD_THINNER, "xarelto*", "Xarelto 20 mg"),
    (BLOOD_THINNER, "pradaxa*", "Pradaxa"),
    (BLOOD_THINNER, "savaysa*", "Savaysa"),
    (BLOOD_THINNER, "lixiana*", "Lixiana"),
    (BLOOD_THINNER, "lovenox*", "Lovenox shots"),
    (BLOOD_THINNER, "clexane*", "Clexane"),
    (BLOOD_THINNER, "fragmin*", "Fragmin"),
    (BLOOD_THINNER, "innohep*", "Innohep"),
    (BLOOD_THINNER, "arixtra*", "Arixtra"),
    (BLOOD_THINNER, "hibor*", "Hibor 3500"),
    (BLOOD_THINNER, "fraxiparin*", "Fraxiparina"),
    (BLOOD_THINNER, "aldocumar*", "Aldocumar 5"),
    (BLOOD_THINNER, "marevan*", "Marevan"),
    (FREE_TEXT_ENGLISH, "bladder*", "my bladder feels odd"),
    (FREE_TEXT_ENGLISH, "bowel*", "trouble with my bowels"),
    (FREE_TEXT_ENGLISH, "incontinen*", "some incontinence"),
    (FREE_TEXT_ENGLISH, "urin*", "it hurts to urinate"),
    (FREE_TEXT_ENGLISH, "pee", "I can't pee"),
    (FREE_TEXT_ENGLISH, "peed", "I peed a little"),
    (FREE_TEXT_ENGLISH, "peeing", "peeing is slow"),
    (FREE_TEXT_ENGLISH, "wee", "a little wee came out"),
    (FREE_TEXT_ENGLISH, "wet myself", "I wet myself at work"),
    (FREE_TEXT_ENGLISH, "wet the bed", "I wet the bed twice"),
    (FREE_TEXT_ENGLISH, "soiled", "I soiled my pants"),
    (FREE_TEXT_ENGLISH, "back passage", "numb round my back passage"),
    (FREE_TEXT_ENGLISH, "between my legs", "tingling between my legs"),
    (FREE_TEXT_ENGLISH, "private parts", "my private parts feel numb"),
    (FREE_TEXT_ENGLISH, "crotch*", "crotch feels dead"),
    (FREE_TEXT_ENGLISH, "can t walk", "I can't walk properly"),
    (FREE_TEXT_ENGLISH, "cant walk", "cant walk today"),
    (FREE_TEXT_ENGLISH, "cannot walk", "I cannot walk"),
    (FREE_TEXT_ENGLISH, "can not walk", "I can not walk far"),
    (FREE_TEXT_ENGLISH, "unable to walk", "unable to walk since Monday"),
    (FREE_TEXT_ENGLISH, "couldn t walk", "I couldn’t walk this morning"),  # noqa: RUF001
    (FREE_TEXT_ENGLISH, "can t stand", "I can't stand up"),
    (FREE_TEXT_ENGLISH, "cannot stand", "cannot stand for long"),
    (FREE_TEXT_ENGLISH, "gave way", "my knee gave way"),
    (FREE_TEXT_ENGLISH, "gave out", "my legs gave out"),
    (FREE_TEXT_ENGLISH, "foot drop", "I think I have foot drop"),
    (FREE_TEXT_ENGLISH, "dragging my foot", "I keep dragging my foot"),
    (FREE_TEXT_ENGLISH, "paralys*", "felt paralysed"),
    (FREE_TEXT_ENGLISH, "paralyz*", "my leg was paralyzed"),
    (FREE_TEXT_ENGLISH, "slurr*", "my words were slurring"),
    (FREE_TEXT_ENGLISH, "garbled", "my speech was garbled"),
    (FREE_TEXT_ENGLISH, "confus*", "I got confused"),
    (FREE_TEXT_ENGLISH, "disorient*", "felt disoriented"),
    (FREE_TEXT_ENGLISH, "fainted", "I fainted in the kitchen"),
    (FREE_TEXT_ENGLISH, "fainting", "fainting spells"),
    (FREE_TEXT_ENGLISH, "pass out", "I might pass out"),
    (FREE_TEXT_ENGLISH, "passed out", "I passed out briefly"),
    (FREE_TEXT_ENGLISH, "blacked out", "I blacked out"),
    (FREE_TEXT_ENGLISH, "collapsed", "I collapsed at the bus stop"),
    (FREE_TEXT_ENGLISH, "unconscious*", "found me unconscious"),
    (FREE_TEXT_ENGLISH, "vision*", "my vision went dark"),
    (FREE_TEXT_ENGLISH, "blurr*", "everything is blurred"),
    (FREE_TEXT_ENGLISH, "seeing double", "I am seeing double"),
    (FREE_TEXT_ENGLISH, "double vision", "some double vision"),
    (FREE_TEXT_ENGLISH, "blind*", "blindness in one eye"),
    (FREE_TEXT_ENGLISH, "groin*", "my groin is numb"),
    (FREE_TEXT_ENGLISH, "saddle*", "saddle area tingles"),
    (FREE_TEXT_ENGLISH, "genital*", "numb genitals"),
    (FREE_TEXT_ENGLISH, "numb down there", "I'm numb down there"),
    (FREE_TEXT_SPANISH, "vejiga*", "problemas de vejiga"),
    (FREE_TEXT_SPANISH, "orin*", "no puedo orinar bien"),
    (FREE_TEXT_SPANISH, "pipi", "se me escapa el pipí"),
    (FREE_TEXT_SPANISH, "heces", "no controlo las heces"),
    (FREE_TEXT_SPANISH, "popo", "se me salió la popó"),
    (FREE_TEXT_SPANISH, "me hice encima", "ayer me hice encima"),
    (FREE_TEXT_SPANISH, "incontinen*", "tengo incontinencia"),
    (FREE_TEXT_SPANISH, "no puedo caminar", "No puedo caminar"),
    (FREE_TEXT_SPANISH, "no puedo andar", "ya no puedo andar"),
    (FREE_TEXT_SPANISH, "no puedo mover*", "no puedo moverla"),
    (FREE_TEXT_SPANISH, "no puedo estar de pie", "no puedo estar de pie mucho"),
    (FREE_TEXT_SPANISH, "no puede caminar", "mi madre no puede caminar"),
    (FREE_TEXT_SPANISH, "no puede andar", "no puede andar sola"),
    (FREE_TEXT_SPANISH, "se me dobla la pierna", "se me dobla la pierna al bajar"),
    (FREE_TEXT_SPANISH, "me caigo", "a veces me caigo"),
    (FREE_TEXT_SPANISH, "paralis*", "parálisis en la pierna"),
    (FREE_TEXT_SPANISH, "desmay*", "me desmayé"),
    (FREE_TEXT_SPANISH, "perdi el conocimiento", "perdí el conocimiento"),
    (FREE_TEXT_SPANISH, "perdi la conciencia", "Perdí la conciencia un rato"),
    (FREE_TEXT_SPANISH, "inconscien*", "estuve inconsciente"),
    (FREE_TEXT_SPANISH, "confus*", "estoy confusa"),
    (FREE_TEXT_SPANISH, "confundid*", "me siento confundido"),
    (FREE_TEXT_SPANISH, "desorientad*", "estaba desorientada"),
    (FREE_TEXT_SPANISH, "arrastr*", "arrastro el pie"),
    (FREE_TEXT_SPANISH, "se me traba la lengua", "se me traba la lengua al hablar"),
    (FREE_TEXT_SPANISH, "vision*", "visión borrosa"),
    (FREE_TEXT_SPANISH, "vista borrosa", "tengo la vista borrosa"),
    (FREE_TEXT_SPANISH, "veo borroso", "veo borroso de lejos"),
    (FREE_TEXT_SPANISH, "veo doble", "a veces veo doble"),
    (FREE_TEXT_SPANISH, "cieg*", "me quedé ciega un momento"),
    (FREE_TEXT_SPANISH, "ingle", "dormida la ingle"),
    (FREE_TEXT_SPANISH, "entrepierna*", "hormigueo en la entrepierna"),
    (FREE_TEXT_SPANISH, "partes intimas", "las partes íntimas dormidas"),
    (FREE_TEXT_SPANISH, "genital*", "zona genital"),
]


@pytest.mark.parametrize(
    ("list_code", "term", "text"),
    [pytest.param(*example, id=f"{example[0]}-{example[1]}") for example in EXAMPLES],
)
def test_each_term_matches_its_example(list_code, term, text):
    assert term in TERM_LISTS[list_code].terms
    assert term in {match.term for match in find_terms(text, TERM_LISTS[list_code].terms)}


def test_every_term_of_every_list_has_an_example():
    listed = {(code, term) for code, term_list in TERM_LISTS.items() for term in term_list.terms}

    assert {(code, term) for code, term, _ in EXAMPLES} == listed


# (list, text, the term that must match it, or None for no match at all)
NEAR_MISSES = [
    pytest.param(FREE_TEXT_ENGLISH, "we watched television", None, id="television-is-not-vision"),
    pytest.param(FREE_TEXT_ENGLISH, "a revision of my notes", None, id="revision-is-not-vision"),
    pytest.param(FREE_TEXT_SPANISH, "hablo inglés", None, id="ingles-is-not-ingle"),
    pytest.param(FREE_TEXT_ENGLISH, "I peel apples every week", None, id="peel-week-not-pee-wee"),
    pytest.param(FREE_TEXT_ENGLISH, "I can walk and stand", None, id="can-walk"),
    pytest.param(FREE_TEXT_ENGLISH, "urine test was fine", "urin*", id="urine-is-urin"),
    pytest.param(
        PROTON_PUMP_INHIBITOR, "Esomeprazol", "esomeprazol*", id="esomeprazol-its-own-entry"
    ),
    pytest.param(BLOOD_THINNER, "heparina", "heparin*", id="heparina"),
    pytest.param(BLOOD_THINNER, "Warfarina 5 mg", "warfarin*", id="warfarina-5-mg"),
    pytest.param(BLOOD_THINNER, "Aspirin 81 mg", None, id="aspirin-is-not-listed"),
    pytest.param(BLOOD_THINNER, "Warfrin", None, id="a-misspelling-is-not-guessed"),
    pytest.param(VITAMIN_B6, "Vitamin B-6", "b 6", id="b-6"),
    pytest.param(VITAMIN_B6, "Vitamin B12", None, id="b12-is-not-b6"),
    pytest.param(VITAMIN_B6, "B complex 6 tablets", None, id="b-then-other-words"),
    pytest.param(METFORMIN, "Metoprolol", None, id="metoprolol"),
]


@pytest.mark.parametrize(("list_code", "text", "term"), NEAR_MISSES)
def test_near_misses(list_code, text, term):
    assert first_term(text, list_code) == term


def test_esomeprazol_does_not_also_match_omeprazol():
    terms = TERM_LISTS[PROTON_PUMP_INHIBITOR].terms

    assert [match.term for match in find_terms("Esomeprazol 40 mg", terms)] == ["esomeprazol*"]


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        pytest.param("Warfarina 5 mg", "warfarina 5 mg", id="case"),
        pytest.param("PERDÍ el conocimiento", "perdi el conocimiento", id="accents"),
        pytest.param("Piña, niño", "pina nino", id="enye"),
        pytest.param("B-6", "b 6", id="hyphen"),
        pytest.param("can't / can’t", "can t can t", id="apostrophes"),  # noqa: RUF001
        pytest.param("  two\tspaces\n", "two spaces", id="spaces"),
        pytest.param("Straße", "strasse", id="casefold"),
        pytest.param("e\u0301", "e", id="combining-mark"),
    ],
)
def test_normalise(text, normalised):
    assert normalise(text) == normalised


def test_a_match_gives_its_place_in_the_original_text():
    text = "Ayer: perdí el conocimiento."
    (match,) = find_terms(text, ("perdi el conocimiento",))

    assert text[match.start : match.end] == "perdí el conocimiento"


def test_a_term_matches_each_time_it_appears():
    assert len(find_terms("bladder, then bladder again", ("bladder*",))) == 2
