package io.ringmaster.tools.mmm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** MMM configurations from MMM 2.2's documentation and packages, and a way to write them for a test. */
final class MmmFixtures {
    static final String MONITOR_PASSWORD = "RepMonitor-s3cret";
    static final String REPLICATION_PASSWORD = "slave-s3cret";
    static final String AGENT_PASSWORD = "RepAgent-s3cret";

    /** mmm_common.conf as MMM shipped it: a host template, two masters and a slave, writer and reader roles. */
    static final String COMMON = """
            active_master_role\twriter

            <host default>
            \tcluster_interface\t\teth0

            \tpid_path\t\t\t\t/var/run/mmm_agentd.pid
            \tbin_path\t\t\t\t/usr/lib/mysql-mmm/

                replication_user        replication
                replication_password    %s

            \tagent_user\t\t\t\tmmm_agent
            \tagent_password\t\t\t%s
            </host>

            <host db1>
            \tip\t\t\t\t\t\t192.168.0.31
            \tmode\t\t\t\t\tmaster
            \tpeer\t\t\t\t\tdb2
            </host>

            <host db2>
            \tip\t\t\t\t\t\t192.168.0.32
            \tmode\t\t\t\t\tmaster
            \tpeer\t\t\t\t\tdb1
            </host>

            <host db3>
            \tip\t\t\t\t\t\t192.168.0.33
            \tmode\t\t\t\t\tslave
            </host>


            <role writer>
            \thosts\t\t\t\t\tdb1, db2
            \tips\t\t\t\t\t\t192.168.0.50
            \tmode\t\t\t\t\texclusive
            </role>

            <role reader>
            \thosts\t\t\t\t\tdb1, db2, db3
            \tips\t\t\t\t\t\t192.168.0.51, 192.168.0.52, 192.168.0.53
            \tmode\t\t\t\t\tbalanced
            </role>
            """.formatted(REPLICATION_PASSWORD, AGENT_PASSWORD);

    /** mmm_mon.conf as MMM shipped it: includes mmm_common.conf, the monitor section, the monitor account. */
    static final String MON = """
            include mmm_common.conf

            <monitor>
            \tip\t\t\t\t\t\t127.0.0.1
            \tpid_path\t\t\t\t/var/run/mmmd_mon.pid
            \tbin_path\t\t\t\t/usr/bin/mysql-mmm/
            \tstatus_path\t\t\t\t/var/run/mmmd_mon.status
            \tping_ips\t\t\t\t192.168.0.1, 192.168.0.2, 192.168.0.3
            </monitor>

            <host default>
            \tmonitor_user\t\t\tmmm_monitor
            \tmonitor_password\t\t%s
            </host>

            debug 0
            """.formatted(MONITOR_PASSWORD);

    /** mmm_agent.conf: includes mmm_common.conf and says which host it runs on. */
    static final String AGENT = """
            include mmm_common

            # "this" needs to be changed accordingly
            this db1
            """;

    private MmmFixtures() {}

    /** Writes a file readable by its owner only (as MMM required), creating folders. */
    static Path write(Path dir, String name, String text) {
        try {
            Path p = dir.resolve(name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
