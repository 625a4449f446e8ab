package io.latchkey.server.cli;

import java.util.Map;
import java.util.Stack;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Takes the next argument as the value, even when it begins with {@code -}. Client and key ids
 * are base64url, so one in 64 begins with a dash, and picocli would otherwise refuse
 * {@code -Vx3…} as "an option, not a value". For {@code String} values only.
 */
final class LiteralValue implements IParameterPreprocessor {
    @Override
    public boolean preprocess(Stack<String> args, CommandSpec command, ArgSpec value, Map<String, Object> info) {
        if (args.isEmpty()) {
            return false; // picocli reports the missing value
        }
        value.setValue(args.pop());
        return true;
    }
}
