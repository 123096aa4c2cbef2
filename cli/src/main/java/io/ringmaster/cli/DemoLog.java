package io.ringmaster.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Sends every log line of this process to a file instead of the terminal while the demo prints its own progress,
 * so the two never interleave. Not thread-safe: call from the demo's main thread only.
 */
final class DemoLog {
    private DemoLog() {}

    /**
     * Detaches the console appenders of the root logger and attaches a file appender writing to {@code file}.
     *
     * @return what puts the console appenders back and closes the file; runs once, later calls do nothing
     */
    static Runnable toFile(Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return () -> {};
        }
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0}: %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
        fileAppender.setContext(ctx);
        fileAppender.setName("demo-file");
        fileAppender.setFile(file.toString());
        fileAppender.setEncoder(encoder);
        fileAppender.start();
        List<Appender<ILoggingEvent>> console = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(console::add);
        root.addAppender(fileAppender);
        console.forEach(root::detachAppender);
        java.util.concurrent.atomic.AtomicBoolean restored = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (!restored.compareAndSet(false, true)) {
                return;
            }
            console.forEach(root::addAppender);
            root.detachAppender(fileAppender);
            fileAppender.stop();
        };
    }
}
