package io.latchkey.server.logging;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;

/**
 * Latchkey's logging, set up in code: the one place where the format of log lines is chosen.
 * Logback finds this class as a service (META-INF/services) before it looks for a logback.xml;
 * configuring Logback from XML took about a fifth of the main thread's start-up.
 *
 * <p>Lines go to stderr as text, INFO and up (the access log, {@code latchkey.access}, when it is
 * switched on); the chatty libraries only WARN and up. A Logback
 * configuration file still wins: {@code -Dlogback.configurationFile=…}, or a
 * {@code logback.xml}/{@code logback-test.xml} on the classpath (the tests' own), is then read as
 * usual.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogConfiguration extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} [%X{requestId:--}] - %msg%n";
    static final List<String> QUIET = List.of("io.netty", "io.vertx", "org.flywaydb", "com.zaxxer");

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (aConfigurationFileIsGiven()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    static void apply(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder(context));
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stderr);
        for (String name : QUIET) {
            context.getLogger(name).setLevel(Level.WARN);
        }
    }

    /**
     * The format of every line: text, with the request id ({@code -} outside a request).
     * {@code LATCHKEY_LOG_FORMAT=json} swaps it for {@link JsonLogEncoder} at start-up ({@link LogFormat}).
     */
    private static Encoder<ILoggingEvent> encoder(LoggerContext context) {
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(PATTERN);
        text.start();
        return text;
    }

    private static boolean aConfigurationFileIsGiven() {
        if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null) {
            return true;
        }
        ClassLoader loader = LogConfiguration.class.getClassLoader();
        return loader.getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null
                || loader.getResource(ClassicConstants.AUTOCONFIG_FILE) != null;
    }
}
