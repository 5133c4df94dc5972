package org.newsindex.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/** analysis-common's {@code porter_stem}: the classic Porter stemmer (expects lowercased input). */
@NamedComponent("porter_stem")
public class PorterStemFilterFactory implements TokenFilterFactory {

    @Override
    public TokenStream create(TokenStream input) {
        return new PorterStemFilter(input);
    }
}
