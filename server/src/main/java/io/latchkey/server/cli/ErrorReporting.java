package io.latchkey.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Every failure of every command ends here, as one line on standard error and a non-zero exit:
 * 2 for arguments the command cannot take, 1 for a command that could not do its job. Never a
 * stack trace, and never a secret: the values of secret options and variables are masked in
 * whatever message reaches the terminal, wherever it came from.
 */
public final class ErrorReporting implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private static final Set<String> SECRET_OPTIONS =
            Set.of("--api-key", "--admin-api-key", "--db-password", "--master-key", "--tls-key-password");
    private static final List<String> SECRET_VARIABLES = List.of("LATCHKEY_API_KEY", "LATCHKEY_ADMIN_API_KEY",
            "LATCHKEY_DB_PASSWORD", "LATCHKEY_MASTER_KEY", "LATCHKEY_TLS_KEY_PASSWORD");
    private static final int SHORTEST_MASKED = 4;

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
        report(command, describe(e), parsed.originalArgs().toArray(String[]::new));
        return command.getCommandSpec().exitCodeOnExecutionException();
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String message = e instanceof UnmatchedArgumentException unmatched ? unmatched(unmatched) : e.getMessage();
        report(command, message + " (see '" + command.getCommandSpec().qualifiedName() + " --help')", args);
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static void report(CommandLine command, String message, String[] args) {
        command.getErr().println("latchkey: " + mask(oneLine(message), args));
        command.getErr().flush();
    }

    /**
     * The exception's message, with the root cause's when that adds to it: "cannot open …" needs
     * its "connection refused", a finished sentence such as a question for the operator does not.
     */
    static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof CommandFailure) {
            return message;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        boolean finished = message.endsWith(".") || message.endsWith("?") || message.endsWith("!");
        if (root != e && root.getMessage() != null && !finished && !message.contains(root.getMessage())) {
            message += ": " + root.getMessage();
        }
        return message;
    }

    /**
     * An unknown option is shown without anything after its {@code =}: {@code --apikey=<key>},
     * mistyped, would otherwise be echoed to the terminal with the key.
     */
    private static String unmatched(UnmatchedArgumentException e) {
        List<String> shown = new ArrayList<>();
        for (String argument : e.getUnmatched()) {
            int equals = argument.indexOf('=');
            boolean optionWithValue = argument.startsWith("-") && equals > 0;
            shown.add("'" + (optionWithValue ? argument.substring(0, equals) + "=…" : argument) + "'");
        }
        String message = "Unknown " + (shown.size() == 1 ? "argument " : "arguments ") + String.join(" ", shown);
        List<String> suggestions = e.getSuggestions();
        return suggestions.isEmpty() ? message : message + "; did you mean " + String.join(" or ", suggestions) + "?";
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    static String mask(String message, String[] args) {
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String argument = args[i];
            int equals = argument.indexOf('=');
            if (equals > 0 && SECRET_OPTIONS.contains(argument.substring(0, equals))) {
                secrets.add(argument.substring(equals + 1));
            } else if (SECRET_OPTIONS.contains(argument) && i + 1 < args.length) {
                secrets.add(args[i + 1]);
            }
        }
        for (String variable : SECRET_VARIABLES) {
            secrets.add(System.getenv(variable));
        }
        String masked = message;
        for (String secret : secrets) {
            if (secret != null && secret.trim().length() >= SHORTEST_MASKED) {
                masked = masked.replace(secret.trim(), "****");
            }
        }
        return masked;
    }
}
