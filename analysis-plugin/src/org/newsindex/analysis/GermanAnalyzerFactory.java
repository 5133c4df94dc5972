package org.newsindex.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;

/** analysis-common's {@code german} analyzer: Lucene's GermanAnalyzer with its default stopwords and stemmer. */
@NamedComponent("german")
public class GermanAnalyzerFactory extends LanguageAnalyzerFactory {

    @Inject
    public GermanAnalyzerFactory(Settings settings) {
        super(settings);
    }

    @Override
    public Analyzer create() {
        return new GermanAnalyzer(stopwords(GermanAnalyzer.getDefaultStopSet()), stemExclusion());
    }
}
