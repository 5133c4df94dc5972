package org.newsindex.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;

/** analysis-common's {@code unique}: drops repeated terms, in the whole stream or only at one position. */
@NamedComponent("unique")
public class UniqueFilterFactory implements TokenFilterFactory {

    @AnalysisSettings
    public interface Settings {
        @BooleanSetting(path = "only_on_same_position", defaultValue = false)
        boolean onlyOnSamePosition();
    }

    private final boolean onlyOnSamePosition;

    @Inject
    public UniqueFilterFactory(Settings settings) {
        this.onlyOnSamePosition = settings.onlyOnSamePosition();
    }

    @Override
    public TokenStream create(TokenStream input) {
        return new UniqueTokenFilter(input, onlyOnSamePosition);
    }
}
