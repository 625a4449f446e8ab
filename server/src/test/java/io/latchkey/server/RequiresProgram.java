package io.latchkey.server;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test class (or method) drives programs of the machine, looked up on the {@code PATH}: where
 * they are all installed it runs; elsewhere it is reported as skipped with {@link #install()} in the
 * reason, or fails when {@code latchkey.requireSystemPrograms} is true ({@link SystemPrograms}). The
 * test gets a program's path from {@link SystemPrograms#path(String)}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SystemPrograms.class)
public @interface RequiresProgram {
    /** The programs' names, as on the {@code PATH}: {@code chromium}, {@code chromedriver}. */
    String[] value();

    /** The one command that installs them: {@code apt-get install chromium chromium-driver}. */
    String install();
}
