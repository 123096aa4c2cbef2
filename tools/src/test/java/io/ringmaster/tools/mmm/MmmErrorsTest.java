package io.ringmaster.tools.mmm;

import static io.ringmaster.tools.mmm.MmmFixtures.COMMON;
import static io.ringmaster.tools.mmm.MmmFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed MMM configuration: every refusal is one line, {@code FILE:LINE: problem}. */
class MmmErrorsTest {
    /** Two masters, defined first so that a test can append what it breaks. */
    private static final String HOSTS = """
            <host default>
                replication_user repl
            </host>
            <host db1>
                ip 10.0.0.1
                mode master
            </host>
            <host db2>
                ip 10.0.0.2
                mode master
            </host>
            """;

    @TempDir Path dir;

    /** Converts a single file and returns the refusal's message, asserting its file, line and one-line form. */
    private String refusal(String text, int line) {
        Path f = write(dir, "mmm_common.conf", text);
        return refusal(f, f, line);
    }

    private String refusal(Path input, Path where, int line) {
        MmmConfigException e = catchThrowableOfType(MmmConfigException.class,
                () -> MmmImport.convert(List.of(input)));
        assertThat(e).as("expected a refusal").isNotNull();
        assertThat(e.file()).isEqualTo(where.toString());
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.getMessage()).doesNotContain("\n").startsWith(where + (line > 0 ? ":" + line : "") + ": ");
        return e.getMessage().substring(e.getMessage().indexOf(": ") + 2);
    }

    @Test
    void shouldRefuseASectionLeftOpenAtTheEndOfTheFile() {
        assertThat(refusal(HOSTS + "<role writer>\n    mode exclusive\n", 12))
                .isEqualTo("<role writer> is not closed (missing </role>)");
    }

    @Test
    void shouldRefuseASectionOpenedInsideAnother() {
        assertThat(refusal("<host db1>\n ip 10.0.0.1\n<host db2>\n", 3))
                .isEqualTo("<host db2> inside <host db1> opened at line 1 (close it with </host> first)");
    }

    @Test
    void shouldRefuseAClosingTagThatDoesNotMatch() {
        assertThat(refusal("<host db1>\n ip 10.0.0.1\n</role>\n", 3))
                .isEqualTo("</role> does not close <host db1> opened at line 1 (expected </host>)");
    }

    @Test
    void shouldRefuseAClosingTagWithNothingOpen() {
        assertThat(refusal(HOSTS + "</host>\n", 12)).isEqualTo("</host> closes no open section");
    }

    @Test
    void shouldRefuseAnUnknownSectionType() {
        assertThat(refusal(HOSTS + "<agent db1>\n</agent>\n", 12))
                .isEqualTo("unknown section type <agent> (MMM knows check, copy_method, host, monitor, role, socket)");
    }

    @Test
    void shouldRefuseAMalformedTag() {
        assertThat(refusal("<host db1 db2>\n", 1)).startsWith("malformed section tag '<host db1 db2>'");
    }

    @Test
    void shouldRefuseAnUnknownCheck() {
        assertThat(refusal(HOSTS + "<check disk>\n</check>\n", 12))
                .isEqualTo("unknown check 'disk' (expected default, ping, mysql, rep_threads, rep_backlog)");
    }

    @Test
    void shouldRefuseANamedSectionWithoutAName() {
        assertThat(refusal("<host>\n", 1)).isEqualTo("<host> needs a name: <host NAME>");
    }

    @Test
    void shouldRefuseAUniqueSectionWithAName() {
        assertThat(refusal("<monitor main>\n", 1)).isEqualTo("<monitor> is a unique section and takes no name "
                + "(found 'main')");
    }

    @Test
    void shouldRefuseASectionKeyOutsideAnySection() {
        assertThat(refusal("# hosts\nip 10.0.0.1\n", 2))
                .isEqualTo("'ip' outside a section: it belongs in a <host> or <monitor> section");
    }

    @Test
    void shouldRefuseASectionNameUsedAsAVariable() {
        assertThat(refusal("host db1\n", 1)).isEqualTo("'host' is a section, not a variable: write <host NAME> ... "
                + "</host>");
    }

    @Test
    void shouldRefuseAGlobalVariableInsideASection() {
        assertThat(refusal("<host db1>\n    this db1\n</host>\n", 2))
                .isEqualTo("'this' must be outside any section (found in <host db1>)");
    }

    @Test
    void shouldRefuseAnUnknownVariable() {
        assertThat(refusal("<host db1>\n    mysql_prot 3307\n</host>\n", 2))
                .isEqualTo("unknown variable 'mysql_prot' in a <host> section (MMM 2.2 refused it too)");
        assertThat(refusal("blocking_type soft\n", 1))
                .isEqualTo("unknown variable 'blocking_type' (MMM 2.2 refused it too)");
    }

    @Test
    void shouldRefuseAKeyWithoutAValue() {
        assertThat(refusal("<host db1>\n    ip\n</host>\n", 2)).isEqualTo("'ip' has no value (expected 'key value')");
    }

    @Test
    void shouldRefuseARoleNamingAnUndefinedHost() {
        assertThat(refusal(HOSTS + "<role reader>\n    mode balanced\n    hosts db1, db2, db3\n</role>\n", 14))
                .isEqualTo("host 'db3' is not defined (no <host db3> section)");
    }

    @Test
    void shouldRefuseAPreferredHostOutsideTheRole() {
        assertThat(refusal(HOSTS + "<role writer>\n mode exclusive\n hosts db1\n prefer db2\n</role>\n", 15))
                .isEqualTo("prefer 'db2' is not one of the role's hosts");
    }

    @Test
    void shouldRefuseARoleWithoutMode() {
        assertThat(refusal(HOSTS + "<role writer>\n hosts db1\n</role>\n", 12))
                .isEqualTo("<role writer> has no mode (exclusive or balanced)");
    }

    @Test
    void shouldRefuseAnActiveMasterRoleThatIsNotDefined() {
        assertThat(refusal("active_master_role writer\n" + HOSTS, 1))
                .isEqualTo("active_master_role names role 'writer', which is not defined (no <role writer> section)");
    }

    @Test
    void shouldRefuseThisNamingAnUndefinedHost() {
        assertThat(refusal(HOSTS + "this db9\n", 12))
                .isEqualTo("'this' names host 'db9', which is not defined (no <host db9> section)");
    }

    @Test
    void shouldRefuseAPeerThatIsNotDefined() {
        assertThat(refusal(HOSTS + "<host db1>\n peer db9\n</host>\n", 13))
                .isEqualTo("peer 'db9' is not defined (no <host db9> section)");
    }

    @Test
    void shouldRefuseAMissingIncludeAtTheIncludeLine() {
        assertThat(refusal("# monitor\ninclude mmm_common_prod.conf\n", 2))
                .isEqualTo("include: no such file " + dir.resolve("mmm_common_prod.conf"));
    }

    @Test
    void shouldRefuseAnIncludeLoop() {
        Path a = write(dir, "a.conf", "include b.conf\n");
        write(dir, "b.conf", "# b\ninclude a.conf\n");
        assertThat(refusal(a, dir.resolve("b.conf"), 2))
                .isEqualTo("include loop: " + a + " -> " + dir.resolve("b.conf") + " -> " + a);
    }

    @Test
    void shouldRefuseAnIncludeInsideASection() {
        assertThat(refusal("<host db1>\ninclude other.conf\n</host>\n", 2))
                .isEqualTo("include inside <host db1>: put it outside any section");
    }

    @Test
    void shouldRefuseAFileThatDoesNotExist() {
        Path missing = dir.resolve("mmm_mon.conf");
        assertThat(refusal(missing, missing, 0)).isEqualTo("no such file");
    }

    @Test
    void shouldRefuseAHostWithoutAddressOrMode() {
        assertThat(refusal(HOSTS + "<host db3>\n mode slave\n</host>\n", 12)).isEqualTo("<host db3> has no ip (the "
                + "host's address)");
        assertThat(refusal(HOSTS + "<host db3>\n ip 10.0.0.3\n</host>\n", 12)).isEqualTo("<host db3> has no mode "
                + "(master or slave)");
    }

    @Test
    void shouldRefuseBadValuesAtTheirLine() {
        assertThat(refusal(HOSTS + "<host db3>\n ip 10.0.0.3\n mode standby\n</host>\n", 14))
                .isEqualTo("mode must be master or slave, not 'standby'");
        assertThat(refusal(HOSTS + "<host db2>\n mysql_port 70000\n</host>\n", 13))
                .isEqualTo("mysql_port must be a whole number from 1 to 65535, not '70000'");
        assertThat(refusal(HOSTS + "<check mysql>\n check_period 5 # seconds\n</check>\n", 13))
                .isEqualTo("check_period must be a number of seconds, not '5 # seconds'");
        assertThat(refusal(HOSTS + "<check default>\n timeout 0\n</check>\n", 13))
                .isEqualTo("timeout must be greater than zero");
        assertThat(refusal(HOSTS + "<monitor>\n flap_count 0\n</monitor>\n", 13))
                .isEqualTo("flap_count must be a whole number from 1 to 1000, not '0'");
        assertThat(refusal(HOSTS + "<monitor>\n mode lazy\n</monitor>\n", 13))
                .isEqualTo("mode must be active, manual, wait or passive, not 'lazy'");
    }

    @Test
    void shouldRefuseAConfigurationWithoutAMaster() {
        assertThat(refusal("<host r1>\n ip 10.0.0.3\n mode slave\n</host>\n", 1))
                .isEqualTo("no host has mode master: Ringmaster needs at least one master");
    }

    @Test
    void shouldRefuseAConfigurationWithoutHosts() {
        Path f = write(dir, "mmm_mon.conf", "<monitor>\n ip 127.0.0.1\n</monitor>\n");
        assertThat(refusal(f, f, 0)).isEqualTo("no <host NAME> section: there is nothing to manage");
    }

    @Test
    void shouldRefuseTwoHostsOnOneAddressAndPort() {
        assertThat(refusal(HOSTS + "<host db3>\n ip 10.0.0.1\n mode slave\n</host>\n", 13))
                .isEqualTo("host db3 has the same address and port as host db1 (10.0.0.1:3306)");
    }

    @Test
    void shouldRefuseANameRingmasterCannotUse() {
        assertThat(refusal("<host _db1>\n ip 10.0.0.1\n mode master\n</host>\n", 1))
                .startsWith("host name '_db1' is not valid in Ringmaster");
    }

    @Test
    void shouldRefuseAnExclusiveRoleWithoutMasters() {
        assertThat(refusal(HOSTS + "<host r1>\n ip 10.0.0.3\n mode slave\n</host>\n"
                + "<role writer>\n mode exclusive\n hosts r1\n</role>\n", 18))
                .isEqualTo("role writer is exclusive but none of its hosts is a master");
    }

    @Test
    void shouldReportTheIncludedFileAndItsLine() {
        write(dir, "mmm_common.conf", COMMON.replace("\tmode\t\t\t\t\tslave", "\tmode\t\t\t\t\tslaev"));
        Path mon = write(dir, "mmm_mon.conf", "include mmm_common.conf\n");
        assertThat(refusal(mon, dir.resolve("mmm_common.conf"), 30))
                .isEqualTo("mode must be master or slave, not 'slaev'");
    }

    @Test
    void shouldSayWhenTheFileIsYamlRatherThanMmm() {
        assertThat(refusal("# ringmaster.yml\ncluster: prod\n", 2))
                .isEqualTo("'cluster:' looks like YAML: this is not MMM configuration (MMM writes 'key value')");
    }

    @Test
    void shouldNeverPutAPasswordInAnError() {
        String msg = refusal(HOSTS + "<host db1>\n monitor_password hunter2\n mysql_port x\n</host>\n", 14);
        assertThat(msg).doesNotContain("hunter2");
    }
}
