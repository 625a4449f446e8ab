package io.latchkey.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code latchkey version}, and the version behind {@code --version}: the project version, which
 * the build writes into {@code version.properties} (a resource filtered by Maven).
 */
@Command(name = "version", description = "Print the version.",
        footerHeading = "%nExamples:%n", footer = {"  latchkey version"})
public final class VersionCommand implements Callable<Integer>, IVersionProvider {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(line());
        spec.commandLine().getOut().flush();
        return 0;
    }

    @Override
    public String[] getVersion() {
        return new String[] {line()};
    }

    static String line() {
        return "latchkey " + current();
    }

    /** The project version, or {@code development build} when run from unfiltered sources. */
    static String current() {
        Properties properties = new Properties();
        try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "development build";
        }
        String version = properties.getProperty("version", "");
        return version.isBlank() || version.contains("${") ? "development build" : version;
    }
}
