package org.newsindex.analysis;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.ListSetting;

import java.util.List;

/**
 * analysis-common's {@code elision}: "l'avion" → "avion". Without {@code articles} it uses the French articles,
 * which is what analysis-common's pre-configured {@code elision} filter does.
 */
@NamedComponent("elision")
public class ElisionFilterFactory implements TokenFilterFactory {

    @AnalysisSettings
    public interface Settings {
        @ListSetting(path = "articles")
        List<String> articles();

        @BooleanSetting(path = "articles_case", defaultValue = false)
        boolean articlesCase();
    }

    private final CharArraySet articles;

    @Inject
    public ElisionFilterFactory(Settings settings) {
        List<String> configured = settings.articles();
        this.articles = configured.isEmpty()
            ? FrenchAnalyzer.DEFAULT_ARTICLES
            : new CharArraySet(configured, settings.articlesCase());
    }

    @Override
    public TokenStream create(TokenStream input) {
        return new ElisionFilter(input, articles);
    }

    /** Strips articles from wildcard, prefix and fuzzy query terms too. */
    @Override
    public TokenStream normalize(TokenStream input) {
        return create(input);
    }
}
