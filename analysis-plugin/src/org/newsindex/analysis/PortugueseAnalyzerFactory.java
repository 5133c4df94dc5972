package org.newsindex.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;

/** analysis-common's {@code portuguese} analyzer: Lucene's PortugueseAnalyzer with its default stopwords and stemmer. */
@NamedComponent("portuguese")
public class PortugueseAnalyzerFactory extends LanguageAnalyzerFactory {

    @Inject
    public PortugueseAnalyzerFactory(Settings settings) {
        super(settings);
    }

    @Override
    public Analyzer create() {
        return new PortugueseAnalyzer(stopwords(PortugueseAnalyzer.getDefaultStopSet()), stemExclusion());
    }
}
