package io.latchkey.server.cli;

/**
 * A command that could not do its job, with the one line that tells the operator why: the
 * server's own message, an unreachable server, a store that would not open. Reported without a
 * stack trace, which would say nothing to an operator.
 */
public final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommandFailure(String message) {
        super(message, null, false, false);
    }
}
