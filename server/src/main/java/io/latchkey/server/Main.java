package io.latchkey.server;

import io.latchkey.core.key.SigningAlgorithm;
import io.latchkey.server.cli.ApiCommands;
import io.latchkey.server.cli.ApiKeyCommands;
import io.latchkey.server.cli.AuditCommand;
import io.latchkey.server.cli.BackupCommand;
import io.latchkey.server.cli.RestoreCommand;
import io.latchkey.server.cli.ClientCommands;
import io.latchkey.server.cli.ErrorReporting;
import io.latchkey.server.cli.KeysCommands;
import io.latchkey.server.cli.MigrateCommand;
import io.latchkey.server.cli.ServeCommand;
import io.latchkey.server.cli.VersionCommand;
import io.latchkey.server.cli.WebhookCommands;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * {@code latchkey}: the command line. {@code serve} runs the server and {@code migrate} prepares
 * its store; the management commands talk to a running server's admin API. Every command has
 * {@code --help} (inherited from here, with {@code --version}).
 */
@Command(name = "latchkey", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        versionProvider = VersionCommand.class,
        description = "OAuth2 authorization server for machine-to-machine integrations.",
        subcommands = {ServeCommand.class, MigrateCommand.class, VersionCommand.class, ClientCommands.class,
                ApiKeyCommands.class, WebhookCommands.class, ApiCommands.class, KeysCommands.class, AuditCommand.class, BackupCommand.class, RestoreCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%nThe management commands (client, apikey, webhook, keys, audit) talk to a running server: set "
                + "LATCHKEY_URL (default http://localhost:8080) and LATCHKEY_API_KEY, or pass --url and --api-key.%n"
                + "%nExamples:%n",
        footer = {"  latchkey serve --port 9000",
                "  export LATCHKEY_API_KEY=lk_…",
                "  latchkey client create --partner Acme --scope orders:read",
                "  latchkey client list --json",
                "  latchkey apikey create --offline   # all admin keys lost: write one",
                "  latchkey client create --help"})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args, null, null));
    }

    /**
     * Runs {@code args} and returns the exit code, writing to {@code out} and {@code err} (the
     * standard streams when null). {@code serve} is parsed by a command line of its own: building
     * the whole tree costs picocli about 0.4 s of CPU (reflection over every command), a tenth of
     * a start, and only {@code serve} has to start fast.
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        boolean serve = args.length > 0 && args[0].equals("serve");
        if (serve) {
            StartupWarmup.begin();
        }
        CommandLine commandLine = serve ? serveCommandLine() : commandLine();
        if (out != null) {
            commandLine.setOut(out);
        }
        if (err != null) {
            commandLine.setErr(err);
        }
        return commandLine.execute(serve ? Arrays.copyOfRange(args, 1, args.length) : args);
    }

    /** The whole command tree, with the converters and the one-line error reporting every command uses. */
    public static CommandLine commandLine() {
        return configured(new CommandLine(new Main()));
    }

    /** {@code latchkey serve} alone, as it reads in the whole tree: same name, usage and version. */
    static CommandLine serveCommandLine() {
        CommandLine serve = new CommandLine(new ServeCommand());
        serve.setCommandName("latchkey serve");
        serve.getCommandSpec().versionProvider(new VersionCommand());
        return configured(serve);
    }

    private static CommandLine configured(CommandLine commandLine) {
        commandLine.registerConverter(Duration.class, new DurationConverter());
        commandLine.registerConverter(SigningAlgorithm.class, new AlgorithmConverter());
        // Ids are base64url and may begin with '-': "-Vx3…" must be a client id, not -V clustered
        // with more options. With clustering off it matches no option and is taken as the id.
        commandLine.setPosixClusteredShortOptionsAllowed(false);
        commandLine.setUnmatchedOptionsArePositionalParams(true);
        ErrorReporting errors = new ErrorReporting();
        commandLine.setExecutionExceptionHandler(errors);
        commandLine.setParameterExceptionHandler(errors);
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /*
     * Converters are classes, not lambdas. A lambda's class is made at run time, and when the
     * launcher's class-data archive is dumped (server/jvm-options.sh) making it links picocli's
     * converter interface; JDK 17 archives no linked Java 5 class (picocli's are), and so none
     * of picocli's converters either.
     */
    private static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Duration.parse(value.trim());
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not an ISO-8601 duration such as PT1H, PT15M or P30D");
            }
        }
    }

    private static final class AlgorithmConverter implements CommandLine.ITypeConverter<SigningAlgorithm> {
        @Override
        public SigningAlgorithm convert(String value) {
            return SigningAlgorithm.parse(value);
        }
    }
}
