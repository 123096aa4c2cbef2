package io.ringmaster.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The single entry point: {@code ringmaster VERB ...}. Verbs follow {@code mmm_control} (underscore spellings
 * accepted), plus the daemons and tools. Exit codes, the same for every verb: see {@link CliException}.
 */
@Command(name = "ringmaster", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        version = "ringmaster 0.1.0",
        description = "Multi-master replication manager for MariaDB and MySQL (MMM's successor).",
        subcommands = {
                MonitorCommand.class,
                RouterCommand.class,
                AgentCommand.class,
                ControlCommands.Show.class,
                ControlCommands.Checks.class,
                ControlCommands.SetOnline.class,
                ControlCommands.SetOffline.class,
                ControlCommands.MoveRole.class,
                ControlCommands.Mode.class,
                ControlCommands.SetActive.class,
                ControlCommands.SetManual.class,
                ControlCommands.SetPassive.class,
                ControlCommands.Recoveries.class,
                ControlCommands.Errant.class,
                ControlCommands.Acknowledge.class,
                ControlCommands.Ping.class,
                ConfigCommand.class,
                CommandLine.HelpCommand.class,
                BootstrapCommand.class,
                GrantsCommand.class,
                ImportMmmCommand.class,
                SandboxCommand.class,
                DemoCommand.class,
                ChecksumCommand.class, SyncCommand.class, LintCommand.class,
                CloneCommand.class, RebuildCommand.class,
                BackupCommands.Take.class, BackupCommands.ListBackups.class, BackupCommands.Restore.class,
                ArchiveCommand.class, BinlogCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code --log-format}, accepted by every verb: see {@link LogFormat}. */
    @CommandLine.Option(names = "--log-format", paramLabel = "FORMAT", scope = CommandLine.ScopeType.INHERIT,
            description = "Log lines as text (default) or json: one JSON object a line on stderr, with the cluster, "
                    + "host and recovery id under \"mdc\".")
    void logFormat(String format) {
        try {
            LogFormat.apply(format);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (for tests). */
    public static int execute(String... args) {
        CommandLine cl = commandLine();
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof CliException ce) {
                cmd.getErr().println("ringmaster: " + ce.getMessage());
                return ce.exitCode();
            }
            cmd.getErr().println("ringmaster: " + ex);
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("ringmaster: " + ex.getMessage());
            return 2;
        });
        return cl.execute(args);
    }

    /** The command line with every verb and the whole-description command list (no handlers set). */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Main::commandList);
        return cl;
    }

    /**
     * The list of verbs in the top-level help with each verb's whole description (picocli's default shows only
     * its first line, which cut several descriptions mid-sentence).
     */
    static String commandList(CommandLine.Help help) {
        if (help.subcommands().isEmpty()) {
            return "";
        }
        int width = help.commandSpec().usageMessage().width();
        int names = 28;
        CommandLine.Help.TextTable table = CommandLine.Help.TextTable.forColumns(help.colorScheme(),
                new CommandLine.Help.Column(names, 2, CommandLine.Help.Column.Overflow.SPAN),
                new CommandLine.Help.Column(width - names, 2, CommandLine.Help.Column.Overflow.WRAP));
        for (CommandLine.Help sub : help.subcommands().values()) {
            String text = String.join(" ", sub.commandSpec().usageMessage().description()).replace("%n", " ")
                    .replace("%%", "%").replaceAll("\\s+", " ").strip();
            table.addRowValues(sub.commandNamesText(", "), help.colorScheme().text(text));
        }
        return table.toString();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
