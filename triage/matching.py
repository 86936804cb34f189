"""Matching medicine names and typed words against the word lists (clinical-content.md §1.1).

One way of matching for medication names and free text alike, so that an accent, a phone
keyboard, Spanish or a brand name cannot hide a rule. Pure: text in, matches out.

Text is normalised (NFKD, combining marks dropped, casefolded, every character that is
not a letter or digit a space) and split into words. A term is one or more words, already
normalised; a last word ending in `*` is a stem that matches a word starting with it, any
other word matches a whole word only ("vision*" matches "visión" but not "television").
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

STEM = "*"


@dataclass(frozen=True, slots=True)
class TermList:
    code: str
    label: str  # as the rules document and the reasons name it
    terms: tuple[str, ...]  # ingredients in English and Spanish, then brands (spec order)


METFORMIN = "metformin"
PROTON_PUMP_INHIBITOR = "proton_pump_inhibitor"
H2_BLOCKER = "h2_blocker"
VITAMIN_B6 = "vitamin_b6"
BLOOD_THINNER = "blood_thinner"
FREE_TEXT_ENGLISH = "free_text_english"
FREE_TEXT_SPANISH = "free_text_spanish"

# The word lists of §1.1, one row per list, each term as the spec writes it.
TERM_LISTS = {
    term_list.code: term_list
    for term_list in (
        TermList(METFORMIN, "metformin", (
            "metformin*",
            "glucophage*", "glumetza*", "fortamet*", "riomet*", "janumet*", "jentadueto*",
            "synjardy*", "xigduo*", "invokamet*", "kombiglyze*", "segluromet*",
        )),
        TermList(PROTON_PUMP_INHIBITOR, "proton-pump inhibitor", (
            "omeprazol*", "esomeprazol*", "lansoprazol*", "dexlansoprazol*", "pantoprazol*",
            "rabeprazol*",
            "prilosec*", "losec*", "nexium*", "prevacid*", "dexilant*", "protonix*", "pantoloc*",
            "aciphex*", "pariet*", "zegerid*",
        )),
        TermList(H2_BLOCKER, "H2 blocker", (
            "famotidin*", "cimetidin*", "nizatidin*", "ranitidin*",
            "pepcid*", "tagamet*", "axid*", "zantac*",
        )),
        TermList(VITAMIN_B6, "vitamin B6", (
            "pyridoxin*", "piridoxin*", "pyridoxal*", "piridoxal*", "b6", "b 6",
        )),
        TermList(BLOOD_THINNER, "blood thinner", (
            "warfarin*", "acenocoumarol*", "phenprocoumon*", "apixaban*", "rivaroxaban*",
            "dabigatran*", "edoxaban*", "heparin*", "enoxaparin*", "dalteparin*", "tinzaparin*",
            "fondaparinux*", "bemiparin*", "nadroparin*",
            "coumadin*", "jantoven*", "sintrom*", "marcoumar*", "eliquis*", "xarelto*",
            "pradaxa*", "savaysa*", "lixiana*", "lovenox*", "clexane*", "fragmin*", "innohep*",
            "arixtra*", "hibor*", "fraxiparin*", "aldocumar*", "marevan*",
        )),
        TermList(FREE_TEXT_ENGLISH, "free-text red-flag terms, English", (
            "bladder*", "bowel*", "incontinen*", "urin*", "pee", "peed", "peeing", "wee",
            "wet myself", "wet the bed", "soiled", "back passage", "between my legs",
            "private parts", "crotch*", "can t walk", "cant walk", "cannot walk", "can not walk",
            "unable to walk", "couldn t walk", "can t stand", "cannot stand", "gave way",
            "gave out", "foot drop", "dragging my foot", "paralys*", "paralyz*", "slurr*",
            "garbled", "confus*", "disorient*", "fainted", "fainting", "pass out", "passed out",
            "blacked out", "collapsed", "unconscious*", "vision*", "blurr*", "seeing double",
            "double vision", "blind*", "groin*", "saddle*", "genital*", "numb down there",
        )),
        TermList(FREE_TEXT_SPANISH, "free-text red-flag terms, Spanish", (
            "vejiga*", "orin*", "pipi", "heces", "popo", "me hice encima", "incontinen*",
            "no puedo caminar", "no puedo andar", "no puedo mover*", "no puedo estar de pie",
            "no puede caminar", "no puede andar", "se me dobla la pierna", "me caigo",
            "paralis*", "desmay*", "perdi el conocimiento", "perdi la conciencia",
            "inconscien*", "confus*", "confundid*", "desorientad*", "arrastr*",
            "se me traba la lengua", "vision*", "vista borrosa", "veo borroso", "veo doble",
            "cieg*", "ingle", "entrepierna*", "partes intimas", "genital*",
        )),
    )
}  # fmt: skip
FREE_TEXT_LISTS = (FREE_TEXT_ENGLISH, FREE_TEXT_SPANISH)


@dataclass(frozen=True, slots=True)
class Word:
    text: str  # normalised
    start: int  # where it is in the original text
    end: int


@dataclass(frozen=True, slots=True)
class Match:
    term: str
    start: int  # the matched words' place in the original text, for quoting
    end: int


@functools.lru_cache(maxsize=4096)  # one document's texts are read by every list in turn
def words(text: str) -> tuple[Word, ...]:
    """The normalised words of `text`, each with its place in the original text."""
    found: list[Word] = []
    letters: list[str] = []
    start = end = 0
    for index, character in enumerate(text):
        for part in unicodedata.normalize("NFKD", character):
            if unicodedata.combining(part):
                continue
            for folded in part.casefold():
                if folded.isalnum():
                    if not letters:
                        start = index
                    letters.append(folded)
                    end = index + 1
                elif letters:
                    found.append(Word("".join(letters), start, end))
                    letters = []
    if letters:
        found.append(Word("".join(letters), start, end))
    return tuple(found)


def normalise(text: str) -> str:
    """`text` as terms are written: "Warfarina 5 mg" -> "warfarina 5 mg", "B-6" -> "b 6"."""
    return " ".join(word.text for word in words(text))


def _matches_at(term_words: tuple[str, ...], text_words: tuple[Word, ...], at: int) -> bool:
    *whole, last = term_words
    candidates = text_words[at : at + len(term_words)]
    if len(candidates) < len(term_words):
        return False
    if any(word.text != wanted for word, wanted in zip(candidates, whole, strict=False)):
        return False
    final = candidates[-1].text
    return final.startswith(last[:-1]) if last.endswith(STEM) else final == last


@functools.cache
def _by_first_letters(terms: tuple[str, ...]) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """Each term with its words, filed under the first two letters of its first word (one
    letter when it has only one), so a text word is compared with a handful of terms rather
    than with every term of every list."""
    filed: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for term in terms:
        term_words = tuple(term.split())
        filed.setdefault(term_words[0].removesuffix(STEM)[:2], []).append((term, term_words))
    return {start: tuple(filed_terms) for start, filed_terms in filed.items()}


def find_terms(text: str, terms: tuple[str, ...]) -> tuple[Match, ...]:
    """Every place a term matches in `text`, in text order (a term may match more than once)."""
    text_words = words(text)
    filed = _by_first_letters(terms)
    found = []
    for at, word in enumerate(text_words):
        starts = {word.text[:1], word.text[:2]}
        for term, term_words in (entry for start in starts for entry in filed.get(start, ())):
            if _matches_at(term_words, text_words, at):
                last = text_words[at + len(term_words) - 1]
                found.append(Match(term, word.start, last.end))
    return tuple(sorted(found, key=lambda match: (match.start, match.end, match.term)))


def first_term(text: str, list_code: str) -> str | None:
    """The term of one list that matches first in `text`, or None."""
    matches = find_terms(text, TERM_LISTS[list_code].terms)
    return matches[0].term if matches else None


# Terms are written already normalised: a term that is not could never match.
if unwritten := [
    term
    for term_list in TERM_LISTS.values()
    for term in term_list.terms
    if normalise(term.removesuffix(STEM)) != term.removesuffix(STEM)
]:
    raise ImportError(f"terms not written normalised: {unwritten}")
