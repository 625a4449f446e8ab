package io.latchkey.server.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Columns padded to their widest cell, for people; {@code --json} is the format for scripts. */
final class Table {
    private static final String ABSENT = "-";
    private final List<String[]> rows = new ArrayList<>();

    Table(String... headers) {
        rows.add(headers);
    }

    Table row(Object... cells) {
        String[] row = new String[rows.get(0).length];
        for (int i = 0; i < row.length; i++) {
            row[i] = i < cells.length ? text(cells[i]) : ABSENT;
        }
        rows.add(row);
        return this;
    }

    void print(PrintWriter out) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    /** One record as indented {@code label  value} lines. */
    static void details(PrintWriter out, Map<String, ?> fields) {
        int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
        fields.forEach((label, value) -> out.println("  " + label + " ".repeat(width - label.length() + 2) + text(value)));
        out.flush();
    }

    private static String text(Object value) {
        if (value == null) {
            return ABSENT;
        }
        String text = value.toString();
        return text.isEmpty() ? ABSENT : text.replaceAll("\\s+", " ");
    }
}
