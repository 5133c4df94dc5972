package org.newsindex.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;

/** analysis-common's {@code spanish} analyzer: Lucene's SpanishAnalyzer with its default stopwords and stemmer. */
@NamedComponent("spanish")
public class SpanishAnalyzerFactory extends LanguageAnalyzerFactory {

    @Inject
    public SpanishAnalyzerFactory(Settings settings) {
        super(settings);
    }

    @Override
    public Analyzer create() {
        return new SpanishAnalyzer(stopwords(SpanishAnalyzer.getDefaultStopSet()), stemExclusion());
    }
}
