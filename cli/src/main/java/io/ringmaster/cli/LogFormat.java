package io.ringmaster.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-format text|json}: {@code text} keeps {@code logback.xml}'s lines; {@code json} reconfigures logback
 * from {@code logback-json.xml}: one JSON object a line on stderr (logback's {@code JsonEncoder}: {@code timestamp}
 * in epoch ms, {@code level}, {@code threadName}, {@code loggerName}, {@code mdc} with {@code cluster}, {@code host}
 * and {@code recovery} where the line has them, {@code formattedMessage}, {@code throwable}). Called while the
 * command line is parsed, before the command runs.
 */
final class LogFormat {
    private LogFormat() {}

    /**
     * @param format {@code text} or {@code json}, any case
     * @throws IllegalArgumentException for another value (the message names the option)
     */
    static void apply(String format) {
        switch (format.toLowerCase(Locale.ROOT)) {
            case "text" -> { }
            case "json" -> configure("/logback-json.xml");
            default -> throw new IllegalArgumentException("--log-format must be text or json, not '" + format + "'");
        }
    }

    private static void configure(String resource) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            throw new IllegalStateException("--log-format json needs logback as the SLF4J binding");
        }
        URL url = LogFormat.class.getResource(resource);
        if (url == null) {
            throw new IllegalStateException(resource + " missing from the jar");
        }
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        context.reset();
        try {
            configurator.doConfigure(url);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure JSON logging from " + resource + ": " + e.getMessage(), e);
        }
    }
}
