package io.ringmaster.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Writes the whole help of {@code ringmaster} (the top-level usage, then every verb's {@code --help}) to one text
 * file: the build runs it for the package's docs ({@code /usr/share/doc/ringmaster/ringmaster.txt}). Not a verb.
 */
public final class HelpText {
    private HelpText() {}

    /** @param args one argument: the file to write (its folder is created) */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: HelpText FILE");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, render(), StandardCharsets.UTF_8);
    }

    /** The top-level usage followed by each verb's usage, in the order of the command list. Never null. */
    static String render() {
        CommandLine top = Main.commandLine();
        StringWriter text = new StringWriter();
        PrintWriter w = new PrintWriter(text);
        top.usage(w, CommandLine.Help.Ansi.OFF);
        top.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandName().equals(name)) {
                return; // an alias (set_online for set-online): its verb is printed once
            }
            w.println();
            w.println("ringmaster " + name);
            w.println("-".repeat(11 + name.length()));
            sub.usage(w, CommandLine.Help.Ansi.OFF);
        });
        w.flush();
        return text.toString();
    }
}
