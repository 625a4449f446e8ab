package io.latchkey.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.latchkey.server.Main;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/** Every command answers {@code --help} with its usage and examples, and exits 0. */
class CliHelpTest {
    @TestFactory
    Stream<DynamicTest> everyCommandHasHelpWithExamples() {
        return commands(Main.commandLine(), new ArrayList<>()).stream()
                .map(path -> DynamicTest.dynamicTest(String.join(" ", path) + " --help", () -> {
                    List<String> args = new ArrayList<>(path.subList(1, path.size()));
                    args.add("--help");

                    Cli.Result help = Cli.run(args.toArray(String[]::new)).succeeded();

                    assertThat(help.out()).startsWith("Usage: " + String.join(" ", path)).contains("Examples:");
                }));
    }

    @Test
    void serveParsedOnItsOwnReadsAsInTheWholeTree() {
        // `serve` is parsed without the rest of the tree, for a faster start: nothing may show it.
        String inTree = Main.commandLine().getSubcommands().get("serve").getUsageMessage(CommandLine.Help.Ansi.OFF);

        assertThat(Cli.run("serve", "--help").succeeded().out()).isEqualTo(inTree);
        assertThat(Cli.run("serve", "--version").succeeded().out()).isEqualTo(Cli.run("--version").succeeded().out())
                .startsWith("latchkey ");
        java.io.StringWriter treeErr = new java.io.StringWriter();
        CommandLine tree = Main.commandLine();
        tree.setErr(new java.io.PrintWriter(treeErr, true));
        int treeExit = tree.execute("serve", "--port", "nine");
        Cli.Result alone = Cli.run("serve", "--port", "nine");
        assertThat(alone.exitCode()).isEqualTo(treeExit).isEqualTo(2);
        assertThat(alone.err()).isEqualTo(treeErr.toString()).contains("--port");
    }

    @Test
    void noCommandAtAllPrintsTheUsage() {
        assertThat(Cli.run().succeeded().out()).startsWith("Usage: latchkey").contains("client", "apikey", "migrate");
    }

    @Test
    void theHelpCommandShowsACommandsHelp() {
        assertThat(Cli.run("help", "audit").succeeded().out()).startsWith("Usage: latchkey audit");
    }

    @Test
    void helpNeverShowsTheApiKeyDefault() {
        // The default of --api-key is LATCHKEY_API_KEY: printing it would print a secret.
        assertThat(Cli.run("client", "list", "--help").out()).doesNotContain("${DEFAULT-VALUE}")
                .contains("--api-key=<key>");
    }

    /** The name paths of every command but picocli's own help command. */
    private static List<List<String>> commands(CommandLine command, List<String> parent) {
        List<String> path = new ArrayList<>(parent);
        path.add(command.getCommandName());
        List<List<String>> all = new ArrayList<>();
        all.add(path);
        command.getSubcommands().forEach((name, sub) -> {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand) && name.equals(sub.getCommandName())) {
                all.addAll(commands(sub, path));
            }
        });
        return all;
    }
}
