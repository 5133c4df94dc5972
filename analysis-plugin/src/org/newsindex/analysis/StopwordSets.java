package org.newsindex.analysis;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.ru.RussianAnalyzer;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** Resolves a {@code stopwords} setting the way analysis-common does: {@code _none_}, {@code _english_}, … or a word list. */
final class StopwordSets {

    private static final Map<String, Supplier<CharArraySet>> NAMED = Map.of(
        "_english_", EnglishAnalyzer::getDefaultStopSet,
        "_german_", GermanAnalyzer::getDefaultStopSet,
        "_french_", FrenchAnalyzer::getDefaultStopSet,
        "_spanish_", SpanishAnalyzer::getDefaultStopSet,
        "_italian_", ItalianAnalyzer::getDefaultStopSet,
        "_dutch_", DutchAnalyzer::getDefaultStopSet,
        "_portuguese_", PortugueseAnalyzer::getDefaultStopSet,
        "_russian_", RussianAnalyzer::getDefaultStopSet
    );

    private StopwordSets() {}

    static CharArraySet resolve(List<String> configured, CharArraySet defaults) {
        if (configured.isEmpty()) {
            return defaults;
        }
        if (configured.size() == 1) {
            String only = configured.get(0).toLowerCase(Locale.ROOT);
            if (only.equals("_none_")) {
                return CharArraySet.EMPTY_SET;
            }
            Supplier<CharArraySet> named = NAMED.get(only);
            if (named != null) {
                return named.get();
            }
            if (only.startsWith("_") && only.endsWith("_")) {
                throw new IllegalArgumentException("unsupported named stopword set [" + only + "]; known: " + NAMED.keySet());
            }
        }
        return new CharArraySet(configured, false);
    }
}
