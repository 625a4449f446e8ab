package io.latchkey.server;

import io.latchkey.core.key.SigningAlgorithm;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code latchkey}: the command line. */
@Command(name = "latchkey", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "OAuth2 authorization server for machine-to-machine integrations.",
        subcommands = {ServeCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.registerConverter(Duration.class, Main::duration);
        commandLine.registerConverter(SigningAlgorithm.class, SigningAlgorithm::parse);
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static Duration duration(String value) {
        try {
            return Duration.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not an ISO-8601 duration such as PT1H, PT15M or P30D");
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"latchkey " + (version == null ? "development build" : version)};
        }
    }
}
