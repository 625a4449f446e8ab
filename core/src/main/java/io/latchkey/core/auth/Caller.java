package io.latchkey.core.auth;

import io.latchkey.core.apikey.ApiKey;
import io.latchkey.core.client.Client;
import io.latchkey.core.token.Confirmation;

/**
 * Who a request authenticated as: what every domain operation is given, and what the audit log
 * names as the actor. Never a secret: an API key is named by its id.
 */
public sealed interface Caller {
    /** How the audit log names this caller: {@code client:<id>}, {@code apikey:<id>}, … */
    String actor();

    /** What the audit log adds to the detail of each event this caller causes, or null. */
    default String note() {
        return null;
    }

    /**
     * A registered client, authenticated by one of the client-authentication methods.
     *
     * @param boundTo what the credential it authenticated with binds its access tokens to (the
     *                certificate of {@code tls_client_auth}, RFC 8705 §3), else null
     */
    record ClientCaller(Client client, String method, Confirmation boundTo) implements Caller {
        /** A client whose credential binds its tokens to nothing. */
        public ClientCaller(Client client, String method) {
            this(client, method, null);
        }

        @Override
        public String actor() {
            return "client:" + client.id().value();
        }
    }

    /** An operator's admin API key. */
    record Operator(ApiKey key) implements Caller {
        @Override
        public String actor() {
            return "apikey:" + key.id();
        }
    }

    /** A caller of a service endpoint that its own token opens, such as a metrics scraper. */
    record Service(String name) implements Caller {
        @Override
        public String actor() {
            return name;
        }
    }

    /** An operator at the server's own terminal: the CLI writing to the store with no server running. */
    record Offline(String osUser) implements Caller {
        @Override
        public String actor() {
            return "offline";
        }

        @Override
        public String note() {
            return "by OS user " + osUser;
        }
    }

    /** Nobody in particular: the pipeline's refresh flow, where the refresh token is the credential. */
    record Anonymous() implements Caller {
        @Override
        public String actor() {
            return "anonymous";
        }
    }
}
