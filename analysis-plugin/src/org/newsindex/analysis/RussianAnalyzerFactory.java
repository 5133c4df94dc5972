package org.newsindex.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;

/** analysis-common's {@code russian} analyzer: Lucene's RussianAnalyzer with its default stopwords and stemmer. */
@NamedComponent("russian")
public class RussianAnalyzerFactory extends LanguageAnalyzerFactory {

    @Inject
    public RussianAnalyzerFactory(Settings settings) {
        super(settings);
    }

    @Override
    public Analyzer create() {
        return new RussianAnalyzer(stopwords(RussianAnalyzer.getDefaultStopSet()), stemExclusion());
    }
}
