package io.latchkey.server.cli;

import static io.latchkey.server.cli.AdminClient.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code latchkey keys …}: the token-signing keys. */
@Command(name = "keys", description = "Manage the token-signing keys.",
        subcommands = KeysCommands.Rotate.class,
        footerHeading = "%nExamples:%n", footer = {"  latchkey keys rotate"})
public final class KeysCommands {
    private KeysCommands() {
    }

    @Command(name = "rotate", description = "Sign new tokens with new keys. Tokens signed by the old keys stay "
            + "valid until they expire, and the old public key stays in the JWKS until then.",
            footerHeading = "%nExamples:%n", footer = {"  latchkey keys rotate", "  latchkey keys rotate --json"})
    static final class Rotate implements Callable<Integer> {
        @Mixin
        AdminOptions admin;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            JsonNode answer = admin.client().post("/admin/keys/rotate", null);
            if (output.json()) {
                output.print(answer);
                return 0;
            }
            output.out().println("Rotated the signing keys; tokens signed by the old ones stay valid until they expire.");
            output.out().println();
            Table table = new Table("KID", "USE", "ALG", "CREATED");
            for (JsonNode key : answer.path("keys")) {
                table.row(text(key, "kid"), text(key, "use"), text(key, "alg"), text(key, "createdAt"));
            }
            table.print(output.out());
            return 0;
        }
    }
}
