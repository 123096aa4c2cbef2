package io.ringmaster.cli;

import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.core.config.Secret;
import io.ringmaster.core.privilege.GrantAdvice;
import io.ringmaster.core.privilege.GrantStatements;
import io.ringmaster.core.privilege.Need;
import io.ringmaster.core.privilege.ServerVersion;
import io.ringmaster.mysql.GrantReader;
import io.ringmaster.mysql.SqlErrors;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ringmaster grants}: the exact GRANT statements for the monitor and replication accounts on the server
 * versions found, each privilege with the reason Ringmaster needs it.
 */
@Command(name = "grants", description = {
        "Print the GRANT statements the monitor account and the replication account need on the versions of the",
        "configured servers (each host is asked for its version), each privilege with a comment giving the action",
        "that needs it; then what bootstrap needs in addition (it runs as the monitor account)."})
final class GrantsCommand implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Option(names = "--server-version", paramLabel = "VERSION",
            description = "Do not connect: print for this version (e.g. 10.11.19).")
    String serverVersion;
    @Option(names = "--login", paramLabel = "USER", description = "Connect as USER to read versions (default: the "
            + "monitor account, which may not exist yet); its password from the environment variable --password-env.")
    String login;
    @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding --login's password.")
    String passwordEnv;
    @Option(names = "--account-host", paramLabel = "HOST", defaultValue = "%",
            description = "Host part of the accounts in the statements (default '${DEFAULT-VALUE}'); use the monitor's address.")
    String accountHost;

    @Override
    public Integer call() {
        RingmasterConfig cfg = config.load();
        Map<ServerVersion, List<String>> hostsByVersion = new TreeMap<>();
        if (serverVersion != null) {
            try {
                hostsByVersion.put(ServerVersion.parse(serverVersion), List.of("--server-version"));
            } catch (IllegalArgumentException e) {
                throw new CliException(2, "--server-version: " + e.getMessage());
            }
        } else {
            Credentials as = login == null ? cfg.monitorUser()
                    : new Credentials(login, passwordEnv == null ? Secret.empty()
                    : Secret.of(System.getenv().getOrDefault(passwordEnv, "")));
            List<String> unreached = new ArrayList<>();
            for (HostConfig h : cfg.hosts()) {
                try {
                    ServerVersion v = GrantReader.version(h, as, cfg.monitor().checkTimeout());
                    hostsByVersion.computeIfAbsent(v, k -> new ArrayList<>()).add(h.name());
                } catch (SQLException e) {
                    unreached.add(h.name() + " (" + h.endpoint() + "): " + SqlErrors.describe(e));
                }
            }
            unreached.forEach(u -> System.err.println("ringmaster: version not read from " + u));
            if (hostsByVersion.isEmpty()) {
                throw new CliException(1, "no host answered as " + as.user() + "; give --login USER --password-env VAR"
                        + " or --server-version VERSION");
            }
        }
        String schema = cfg.monitor().heartbeatSchema();
        String monitor = GrantStatements.account(cfg.monitorUser().user(), accountHost);
        String replication = GrantStatements.account(cfg.replicationUser().user(), accountHost);
        hostsByVersion.forEach((v, hosts) -> {
            System.out.println("-- " + v + " (" + String.join(", ", hosts) + ")");
            System.out.println("-- the monitor account " + monitor);
            GrantAdvice.lines(v, Need.of(Need.Account.MONITOR), monitor, schema).forEach(System.out::println);
            if (v.atLeast(10, 11, 0)) {
                System.out.println("-- (from 10.11 SUPER no longer covers READ_ONLY ADMIN: grant it by name)");
            }
            System.out.println("-- bootstrap runs as the monitor account and needs in addition (revoke after it if"
                    + " you like):");
            GrantAdvice.lines(v, Need.of(Need.Account.BOOTSTRAP), monitor, schema, Need.of(Need.Account.MONITOR))
                    .forEach(System.out::println);
            System.out.println("-- the replication account " + replication + " (bootstrap creates it with this grant)");
            GrantAdvice.lines(v, Need.of(Need.Account.REPLICATION), replication, schema).forEach(System.out::println);
            if (cfg.backup().enabled() && cfg.backup().archive()) {
                System.out.println("-- the monitor keeps the binlog archive (backup.archive) and needs in addition:");
                GrantAdvice.lines(v, Need.of(Need.Account.ARCHIVE), monitor, schema).forEach(System.out::println);
            }
            if (cfg.agents().enabled()) {
                String agent = GrantStatements.account(cfg.monitorUser().user(), "localhost");
                System.out.println("-- the agents log in through their server's unix socket as " + agent + " (the"
                        + " monitor's user and password): create it, e.g. CREATE USER " + agent + " IDENTIFIED BY"
                        + " '...';");
                List<Need> agentNeeds = new ArrayList<>(List.of(Need.READ_ONLY, Need.KILL_SESSIONS));
                agentNeeds.addAll(Need.of(Need.Account.AGENT));
                GrantAdvice.lines(v, agentNeeds, agent, schema).forEach(System.out::println);
            }
            System.out.println();
        });
        return 0;
    }
}
