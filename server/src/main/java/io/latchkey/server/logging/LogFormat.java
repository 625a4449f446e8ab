package io.latchkey.server.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.Iterator;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * {@code LATCHKEY_LOG_FORMAT}: {@code text} (the pattern of {@link LogConfiguration}) or {@code json}
 * (one object per line, {@link JsonLogEncoder}). Chosen at start-up by swapping the encoder of the
 * console appender, so one configuration serves both.
 */
public enum LogFormat {
    TEXT, JSON;

    /** Reads a setting; anything but {@code text} or {@code json} (any case) is refused. */
    public static LogFormat parse(String value) {
        String name = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "", "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException(
                    "LATCHKEY_LOG_FORMAT must be text or json, not '" + value + "'");
        };
    }

    /** Makes every console appender of the root logger write this format. */
    public void apply() {
        if (this == TEXT) {
            return;
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return; // another SLF4J binding: its own configuration decides
        }
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
                JsonLogEncoder encoder = new JsonLogEncoder();
                encoder.setContext(context);
                encoder.start();
                appender.stop();
                appender.setEncoder(encoder);
                appender.start();
            }
        }
    }
}
