package org.newsindex.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;

/** analysis-common's {@code italian} analyzer: Lucene's ItalianAnalyzer with its default stopwords and stemmer. */
@NamedComponent("italian")
public class ItalianAnalyzerFactory extends LanguageAnalyzerFactory {

    @Inject
    public ItalianAnalyzerFactory(Settings settings) {
        super(settings);
    }

    @Override
    public Analyzer create() {
        return new ItalianAnalyzer(stopwords(ItalianAnalyzer.getDefaultStopSet()), stemExclusion());
    }
}
