package org.newsindex.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.StringSetting;

import java.util.function.UnaryOperator;

/**
 * analysis-common's {@code stemmer}: picks a stemmer by {@code language} (alias {@code name}, default {@code porter}).
 * An unknown language fails when the index is created, not when the first document arrives.
 */
@NamedComponent("stemmer")
public class StemmerFilterFactory implements TokenFilterFactory {

    @AnalysisSettings
    public interface Settings {
        @StringSetting(path = "language", defaultValue = "")
        String language();

        @StringSetting(path = "name", defaultValue = "porter")
        String name();
    }

    private final UnaryOperator<TokenStream> stemmer;

    @Inject
    public StemmerFilterFactory(Settings settings) {
        String language = settings.language().isEmpty() ? settings.name() : settings.language();
        this.stemmer = Stemmers.forLanguage(language);
    }

    @Override
    public TokenStream create(TokenStream input) {
        return stemmer.apply(input);
    }
}
