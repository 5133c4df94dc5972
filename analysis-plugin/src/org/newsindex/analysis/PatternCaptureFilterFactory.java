package org.newsindex.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.pattern.PatternCaptureGroupTokenFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.ListSetting;

import java.util.List;
import java.util.regex.Pattern;

/**
 * analysis-common's {@code pattern_capture}: emits every regex capture group as an extra token (the
 * {@code .security} index splits e-mail addresses with it).
 *
 * <p>Elasticsearch builds every plugin filter once with empty settings for each new index, so a missing
 * {@code patterns} list must not throw; the filter then passes tokens through unchanged.
 */
@NamedComponent("pattern_capture")
public class PatternCaptureFilterFactory implements TokenFilterFactory {

    @AnalysisSettings
    public interface Settings {
        @ListSetting(path = "patterns")
        List<String> patterns();

        @BooleanSetting(path = "preserve_original", defaultValue = true)
        boolean preserveOriginal();
    }

    private final Pattern[] patterns;
    private final boolean preserveOriginal;

    @Inject
    public PatternCaptureFilterFactory(Settings settings) {
        this.patterns = settings.patterns().stream().map(Pattern::compile).toArray(Pattern[]::new);
        this.preserveOriginal = settings.preserveOriginal();
    }

    @Override
    public TokenStream create(TokenStream input) {
        if (patterns.length == 0) {
            return input;
        }
        return new PatternCaptureGroupTokenFilter(input, preserveOriginal, patterns);
    }
}
