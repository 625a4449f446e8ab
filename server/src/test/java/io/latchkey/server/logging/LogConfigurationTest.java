package io.latchkey.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

class LogConfigurationTest {
    @Test
    void linesGoToStderrAsTextFromInfoUpAndTheLibrariesOnlyWarn() {
        LoggerContext context = new LoggerContext();

        LogConfiguration.apply(context);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        ConsoleAppender<ILoggingEvent> stderr = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
        assertThat(stderr.isStarted()).isTrue();
        assertThat(stderr.getTarget()).isEqualTo("System.err");
        assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern()).isEqualTo(LogConfiguration.PATTERN);
        for (String library : LogConfiguration.QUIET) {
            assertThat(context.getLogger(library + ".Anything").getEffectiveLevel()).isEqualTo(Level.WARN);
        }
        assertThat(context.getLogger("io.latchkey.server.LatchkeyServer").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void aLogbackFileOnTheClasspathIsLeftToLogback() {
        // The tests' logback-test.xml is on the classpath: Logback reads it, as it would an operator's file.
        LoggerContext context = new LoggerContext();

        ExecutionStatus status = new LogConfiguration().configure(context);

        assertThat(status).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
    }
}
