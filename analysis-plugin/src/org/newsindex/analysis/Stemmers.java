package org.newsindex.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.de.GermanLightStemFilter;
import org.apache.lucene.analysis.de.GermanMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.es.SpanishLightStemFilter;
import org.apache.lucene.analysis.es.SpanishPluralStemFilter;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchMinimalStemFilter;
import org.apache.lucene.analysis.it.ItalianLightStemFilter;
import org.apache.lucene.analysis.pt.PortugueseLightStemFilter;
import org.apache.lucene.analysis.pt.PortugueseMinimalStemFilter;
import org.apache.lucene.analysis.pt.PortugueseStemFilter;
import org.apache.lucene.analysis.ru.RussianLightStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.tartarus.snowball.SnowballStemmer;
import org.tartarus.snowball.ext.DutchStemmer;
import org.tartarus.snowball.ext.EnglishStemmer;
import org.tartarus.snowball.ext.FrenchStemmer;
import org.tartarus.snowball.ext.GermanStemmer;
import org.tartarus.snowball.ext.ItalianStemmer;
import org.tartarus.snowball.ext.PortugueseStemmer;
import org.tartarus.snowball.ext.RussianStemmer;
import org.tartarus.snowball.ext.SpanishStemmer;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** The {@code stemmer} languages, mapped to the same Lucene filters analysis-common uses for them. */
final class Stemmers {

    private static final Map<String, UnaryOperator<TokenStream>> BY_LANGUAGE = build();

    private Stemmers() {}

    static UnaryOperator<TokenStream> forLanguage(String language) {
        UnaryOperator<TokenStream> stemmer = BY_LANGUAGE.get(language.toLowerCase(Locale.ROOT));
        if (stemmer == null) {
            throw new IllegalArgumentException(
                "unsupported stemmer language [" + language + "]; this plugin knows " + BY_LANGUAGE.keySet()
            );
        }
        return stemmer;
    }

    private static UnaryOperator<TokenStream> snowball(Supplier<SnowballStemmer> stemmer) {
        // Snowball stemmers keep state, so each token stream gets its own instance.
        return input -> new SnowballFilter(input, stemmer.get());
    }

    private static Map<String, UnaryOperator<TokenStream>> build() {
        Map<String, UnaryOperator<TokenStream>> m = new TreeMap<>();
        m.put("english", PorterStemFilter::new);
        m.put("porter", PorterStemFilter::new);
        m.put("porter2", snowball(EnglishStemmer::new));
        m.put("light_english", KStemFilter::new);
        m.put("kstem", KStemFilter::new);
        m.put("minimal_english", EnglishMinimalStemFilter::new);
        m.put("possessive_english", EnglishPossessiveFilter::new);
        m.put("german", snowball(GermanStemmer::new));
        m.put("light_german", GermanLightStemFilter::new);
        m.put("minimal_german", GermanMinimalStemFilter::new);
        m.put("french", snowball(FrenchStemmer::new));
        m.put("light_french", FrenchLightStemFilter::new);
        m.put("minimal_french", FrenchMinimalStemFilter::new);
        m.put("spanish", snowball(SpanishStemmer::new));
        m.put("light_spanish", SpanishLightStemFilter::new);
        m.put("spanish_plural", SpanishPluralStemFilter::new);
        m.put("italian", snowball(ItalianStemmer::new));
        m.put("light_italian", ItalianLightStemFilter::new);
        m.put("dutch", snowball(DutchStemmer::new));
        m.put("portuguese", snowball(PortugueseStemmer::new));
        m.put("light_portuguese", PortugueseLightStemFilter::new);
        m.put("minimal_portuguese", PortugueseMinimalStemFilter::new);
        m.put("portuguese_rslp", PortugueseStemFilter::new);
        m.put("russian", snowball(RussianStemmer::new));
        m.put("light_russian", RussianLightStemFilter::new);
        return Collections.unmodifiableMap(m);
    }
}
