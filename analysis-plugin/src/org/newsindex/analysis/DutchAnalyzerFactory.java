package org.newsindex.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;

/** analysis-common's {@code dutch} analyzer: Lucene's DutchAnalyzer with its default stopwords and stemmer. */
@NamedComponent("dutch")
public class DutchAnalyzerFactory extends LanguageAnalyzerFactory {

    @Inject
    public DutchAnalyzerFactory(Settings settings) {
        super(settings);
    }

    @Override
    public Analyzer create() {
        return new DutchAnalyzer(stopwords(DutchAnalyzer.getDefaultStopSet()), stemExclusion());
    }
}
