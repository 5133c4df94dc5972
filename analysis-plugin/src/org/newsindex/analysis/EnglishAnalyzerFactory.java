package org.newsindex.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;

/** analysis-common's {@code english} analyzer: Lucene's EnglishAnalyzer with its default stopwords and stemmer. */
@NamedComponent("english")
public class EnglishAnalyzerFactory extends LanguageAnalyzerFactory {

    @Inject
    public EnglishAnalyzerFactory(Settings settings) {
        super(settings);
    }

    @Override
    public Analyzer create() {
        return new EnglishAnalyzer(stopwords(EnglishAnalyzer.getDefaultStopSet()), stemExclusion());
    }
}
