package io.latchkey.server;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The programs of the machine that some tests drive (Chromium and its ChromeDriver for the console;
 * a reverse proxy for the gateway tests), found in one place. A test marked {@link RequiresProgram}
 * runs where its programs are installed; elsewhere it is reported as skipped, the reason naming the
 * one command that installs them, and the build still passes: a newcomer's {@code ./mvnw verify}
 * needs only a JDK. CI installs every such program and sets {@code -Dlatchkey.requireSystemPrograms=true}
 * (surefire passes it on), so there a missing program fails the test instead of skipping it.
 *
 * <p>A JUnit condition rather than an assumption in {@code @BeforeAll}: surefire reports a class
 * disabled by a condition as skipped tests with the reason, but one aborted in {@code @BeforeAll}
 * as no tests at all.
 */
public final class SystemPrograms implements ExecutionCondition {
    /** The system property that makes a missing program a failure instead of a skip. */
    public static final String REQUIRED_PROPERTY = "latchkey.requireSystemPrograms";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<RequiresProgram> requires = context.getElement()
                .flatMap(element -> AnnotationSupport.findAnnotation(element, RequiresProgram.class));
        if (requires.isEmpty()) {
            return ConditionEvaluationResult.enabled("needs no system program");
        }
        List<String> missing = Arrays.stream(requires.get().value()).filter(p -> onPath(p).isEmpty()).toList();
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("installed: " + String.join(", ", requires.get().value()));
        }
        String reason = String.join(" and ", missing) + (missing.size() == 1 ? " is" : " are")
                + " not installed; install with: " + requires.get().install();
        if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
            throw new IllegalStateException(reason + " (" + REQUIRED_PROPERTY + "=true: a missing program fails)");
        }
        // Surefire's console shows only the count of skipped tests: say why once, where a newcomer looks.
        System.err.println("SKIPPED " + context.getDisplayName() + ": " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }

    /** The path of {@code program} on the {@code PATH}; for a test whose {@link RequiresProgram} names it. */
    public static Path path(String program) {
        return onPath(program).orElseThrow(() -> new IllegalStateException(program + " is not on the PATH"));
    }

    private static Optional<Path> onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
