package org.newsindex.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;

/** analysis-common's {@code french} analyzer: Lucene's FrenchAnalyzer with its default stopwords and stemmer. */
@NamedComponent("french")
public class FrenchAnalyzerFactory extends LanguageAnalyzerFactory {

    @Inject
    public FrenchAnalyzerFactory(Settings settings) {
        super(settings);
    }

    @Override
    public Analyzer create() {
        return new FrenchAnalyzer(stopwords(FrenchAnalyzer.getDefaultStopSet()), stemExclusion());
    }
}
