package io.latchkey.server.cli;

import picocli.CommandLine.Option;

/** Which server the management commands talk to, and the admin API key they present. */
public final class AdminOptions {
    @Option(names = "--url", defaultValue = "${env:LATCHKEY_URL:-http://localhost:8080}",
            description = "Base URL of the running server (LATCHKEY_URL, default ${DEFAULT-VALUE})")
    String url;

    // Never shown with ${DEFAULT-VALUE}: the default is a secret from the environment.
    @Option(names = "--api-key", defaultValue = "${env:LATCHKEY_API_KEY}", paramLabel = "<key>",
            description = "Admin API key (LATCHKEY_API_KEY). Prefer the variable: other local users can see "
                    + "command-line arguments.")
    String apiKey;

    AdminClient client() {
        return AdminClient.connect(url, apiKey);
    }
}
