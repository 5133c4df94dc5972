"""Word lists for the sentence splitter: which tokens ending in a period are not the end of a sentence.

All entries are lower case, without the final period. The lists cover news English plus the commonest
German, French, Spanish, Italian and Russian abbreviations; a miss costs one wrong split, never a crash.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Almost always followed by more of the same sentence (a name, a number, a noun).
NEVER_FINAL: frozenset[str] = words(
    """
    mr mrs ms mx messrs dr prof gen lt col sgt capt cmdr adm maj brig gov sen rep rev pres supt insp
    st mt sr sra srta mme mlle mgr mm hr fr hrn
    vs v ca cf viz approx
    e.g i.e z.b d.h u.a u.ä o.ä s.o s.u bzw vgl ggf evtl sog inkl zzgl abs
    p.ex env
    т.е т.к т.н ул св проф акад ген см напр
    """
)

# Not final when a number follows: "No. 10", "Jan. 5", "Art. 3", "pp. 12-14".
BEFORE_NUMBER: frozenset[str] = words(
    """
    no nos nr art fig figs vol vols pp p ch chap sec para op ed
    jan feb mar apr jun jul aug sep sept oct nov dec
    """
)

# Often the last word of a sentence: final only when a typical sentence opener follows.
AMBIGUOUS: frozenset[str] = words(
    """
    etc inc ltd corp co bros jr plc llc al ft a.m p.m ph.d usw u.s u.k u.n e.u u.s.a mio mrd tsd
    т.д т.п г гг тыс млн млрд руб
    """
)

# Capitalised words that usually open a sentence; after an AMBIGUOUS abbreviation they signal a split.
SENTENCE_OPENERS: frozenset[str] = words(
    """
    the a an he she it they we i you this that these those there their his her its our my your
    but and or so yet in on at as if when while after before since although though however meanwhile
    some many most all both one two three no not what who why how where which
    last next earlier later now then still also even
    der die das er sie es wir ich ein eine aber und im am auf nach
    le la les il elle ils elles un une mais et dans selon
    el los las ellos pero en
    он она оно они это в на но и по как что
    """
)

# "3. Oktober", "20. Jahrhundert": German-style ordinals are a number and a period.
AFTER_ORDINAL: frozenset[str] = words(
    """
    januar jänner februar märz april mai juni juli august september oktober november dezember
    jahrhundert jahrtausend jahrestag mal platz runde spieltag stock etage liga
    """
)
