package org.newsindex.analysis;

import org.apache.lucene.analysis.CharArraySet;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.ListSetting;

import java.util.List;

/**
 * Shared base of the language analyzers: they all take analysis-common's {@code stopwords} and
 * {@code stem_exclusion} settings, so an index template written for a full Elasticsearch stays valid here.
 */
public abstract class LanguageAnalyzerFactory implements AnalyzerFactory {

    /** Settings of every language analyzer (a subset of analysis-common's: no {@code stopwords_path}). */
    @AnalysisSettings
    public interface Settings {
        @ListSetting(path = "stopwords")
        List<String> stopwords();

        @ListSetting(path = "stem_exclusion")
        List<String> stemExclusion();
    }

    private final Settings settings;

    protected LanguageAnalyzerFactory(Settings settings) {
        this.settings = settings;
    }

    /** The configured stopwords, or {@code defaults} when none are configured. */
    protected CharArraySet stopwords(CharArraySet defaults) {
        return StopwordSets.resolve(settings.stopwords(), defaults);
    }

    protected CharArraySet stemExclusion() {
        List<String> words = settings.stemExclusion();
        return words.isEmpty() ? CharArraySet.EMPTY_SET : new CharArraySet(words, false);
    }
}
