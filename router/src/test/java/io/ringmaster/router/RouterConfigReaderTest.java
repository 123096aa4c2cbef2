package io.ringmaster.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.core.config.ConfigException;
import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.RingmasterConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterConfigReaderTest {
    static final RingmasterConfig CLUSTER = ConfigLoader.parse("""
            monitor: {listen: 127.0.0.1:9988}
            credentials:
              monitor: {user: rm}
              replication: {user: repl}
            hosts:
              - {name: db1, address: 127.0.0.1, port: 3301}
              - {name: db2, address: 127.0.0.1, port: 3302}
              - {name: db3, address: 127.0.0.1, port: 3303, mode: replica, master: db1}
              - {name: db4, address: 127.0.0.1, port: 3304, mode: replica, master: db2}
            """, "cluster.yml", Path.of("."), null, k -> null);

    private static RouterConfig parse(String yaml) {
        return RouterConfigReader.parse(yaml, "router.yml", CLUSTER, Map.of("POOL_PORT", "6450")::get).orElseThrow();
    }

    private static void assertRefused(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class)
                .hasMessage(message).extracting(Throwable::getMessage).asString().doesNotContain("\n");
    }

    @Test
    void shouldReadTheWholeSection() {
        RouterConfig c = parse("""
                router:
                  enabled: false
                  monitor: http://10.0.0.9:9988/
                  writer_lease: 1500ms
                  hold_timeout: 5s
                  drain_time: 0
                  connect_timeout: 250ms
                  io_threads: 1
                  max_held: 10
                  listeners:
                    - {role: writer, listen: 127.0.0.1:6446}
                    - {role: reader, listen: 127.0.0.1:6447}
                    - {name: reporting, role: reader, listen: "127.0.0.1:${POOL_PORT}", hosts: [db3, db4]}
                """);
        assertThat(c.enabled()).isFalse();
        assertThat(c.monitorUrl()).contains(URI.create("http://10.0.0.9:9988"));
        assertThat(c.writerLease()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.holdTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.drainTime()).isZero();
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.ioThreads()).isEqualTo(1);
        assertThat(c.maxHeld()).isEqualTo(10);
        assertThat(c.listeners()).containsExactly(
                new RouterConfig.Listener("writer", "writer", "127.0.0.1", 6446, List.of()),
                new RouterConfig.Listener("reader", "reader", "127.0.0.1", 6447, List.of()),
                new RouterConfig.Listener("reporting", "reader", "127.0.0.1", 6450, List.of("db3", "db4")));
    }

    @Test
    void shouldUseMySqlRoutersPortsByDefault() {
        RouterConfig c = parse("router: {}\n");
        assertThat(c.enabled()).isTrue();
        assertThat(c.monitorUrl()).isEmpty();
        assertThat(c.writerLease()).isEqualTo(RouterConfig.DEFAULT_WRITER_LEASE);
        assertThat(c.listeners()).extracting(RouterConfig.Listener::endpoint)
                .containsExactly("127.0.0.1:6446", "127.0.0.1:6447");
        assertThat(c.listeners()).extracting(RouterConfig.Listener::role).containsExactly("writer", "reader");
    }

    @Test
    void shouldReportNoRouterWhenTheSectionIsMissing() {
        assertThat(RouterConfigReader.parse("cluster: x\n", "f", CLUSTER, k -> null)).isEmpty();
    }

    @Test
    void shouldRequireTheSectionInARouterFile(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("r.yml"), "cluster: x\n");
        assertThatThrownBy(() -> RouterConfigReader.require(f, CLUSTER)).isInstanceOf(ConfigException.class)
                .hasMessage(f + ": router: missing (required): the file has no router section");
        assertThatThrownBy(() -> RouterConfigReader.require(dir.resolve("none.yml"), CLUSTER))
                .hasMessageEndingWith("none.yml: no such file");
    }

    @Test
    void shouldReadTheMetricsListenerAndRefuseABadOne() {
        assertThat(parse("router:\n  metrics: 127.0.0.1:9187\n").metrics())
                .contains(new RouterConfig.MetricsEndpoint("127.0.0.1", 9187));
        assertThat(parse("router: {}\n").metrics()).isEmpty();
        assertRefused("router:\n  metrics: 9187\n", "router.yml: router.metrics: must be address:port, not '9187'");
        assertRefused("router:\n  metrics: 127.0.0.1:70000\n", "router.yml: router.metrics: must be address:port "
                + "with a port 1..65535, not '127.0.0.1:70000'");
    }

    @Test
    void shouldRefuseUnknownKeysNamingTheField() {
        assertRefused("router: {hold_time: 5s}\n", "router.yml: router.hold_time: unknown key (expected one of "
                + "enabled, monitor, writer_lease, hold_timeout, drain_time, connect_timeout, io_threads, max_held, "
                + "listeners, metrics)");
        assertRefused("router:\n  listeners:\n    - {role: writer, listen: 127.0.0.1:1, port: 2}\n",
                "router.yml: router.listeners[0].port: unknown key (expected one of name, role, listen, hosts)");
    }

    @Test
    void shouldRefuseBadPorts() {
        assertRefused("router:\n  listeners:\n    - {role: writer, listen: 127.0.0.1:70000}\n",
                "router.yml: router.listeners[0].listen: must be address:port with a port 1..65535, "
                        + "not '127.0.0.1:70000'");
        assertRefused("router:\n  listeners:\n    - {role: writer, listen: 6446}\n",
                "router.yml: router.listeners[0].listen: must be address:port, not '6446'");
        assertRefused("router: {monitor: 'http://127.0.0.1:0'}\n",
                "router.yml: router.monitor: must be http(s)://host:port (the monitor's API), not 'http://127.0.0.1:0'");
    }

    @Test
    void shouldRefuseAListenerOnTheMonitorsApiPort() {
        assertRefused("router:\n  listeners:\n    - {role: writer, listen: 127.0.0.1:6446}\n"
                        + "    - {role: reader, listen: 127.0.0.1:9988}\n",
                "router.yml: router.listeners[1].listen: 127.0.0.1:9988 clashes with the monitor's API "
                        + "(monitor.listen 127.0.0.1:9988): choose another port");
        assertRefused("router:\n  listeners:\n    - {role: writer, listen: 0.0.0.0:9988}\n",
                "router.yml: router.listeners[0].listen: 0.0.0.0:9988 clashes with the monitor's API "
                        + "(monitor.listen 127.0.0.1:9988): choose another port");
        assertRefused("router:\n  listeners:\n    - {role: writer, listen: 'localhost:9988'}\n",
                "router.yml: router.listeners[0].listen: localhost:9988 clashes with the monitor's API "
                        + "(monitor.listen 127.0.0.1:9988): choose another port");
        // another address on the same port is another socket
        assertThat(parse("router:\n  listeners:\n    - {role: writer, listen: 127.0.0.2:9988}\n").listeners())
                .hasSize(1);
        RingmasterConfig onTheWriterPort = ConfigLoader.parse("""
                monitor: {listen: 127.0.0.1:6446}
                credentials: {monitor: {user: rm}, replication: {user: repl}}
                hosts: [{name: db1, address: 127.0.0.1, port: 3301}]
                """, "cluster.yml", Path.of("."), null, k -> null);
        assertThatThrownBy(() -> RouterConfigReader.parse("router: {}\n", "router.yml", onTheWriterPort, k -> null))
                .isInstanceOf(ConfigException.class).hasMessage("router.yml: router.listeners: the default writer "
                        + "listener: 127.0.0.1:6446 clashes with the monitor's API (monitor.listen 127.0.0.1:6446): "
                        + "choose another port");
    }

    @Test
    void shouldAcceptAnHttpsMonitor() {
        assertThat(parse("router: {monitor: 'https://monitor.example:9988'}\n").monitorUrl())
                .contains(URI.create("https://monitor.example:9988"));
    }

    @Test
    void shouldRefuseUnknownRolesAndHosts() {
        assertRefused("router:\n  listeners:\n    - {role: writr, listen: 127.0.0.1:1}\n",
                "router.yml: router.listeners[0].role: unknown role 'writr' (roles: writer, reader)");
        assertRefused("router:\n  listeners:\n    - {role: reader, listen: 127.0.0.1:1, hosts: [db9]}\n",
                "router.yml: router.listeners[0].hosts: host 'db9' may not hold role 'reader' "
                        + "(its hosts: db1, db2, db3, db4)");
        assertRefused("router:\n  listeners:\n    - {role: writer, listen: 127.0.0.1:1, hosts: [db1]}\n",
                "router.yml: router.listeners[0].hosts: role 'writer' is exclusive (one holder): a pool of chosen "
                        + "hosts is only for balanced roles");
    }

    @Test
    void shouldRefuseDuplicateListeners() {
        assertRefused("router:\n  listeners:\n    - {role: reader, listen: 127.0.0.1:1}\n"
                        + "    - {role: reader, listen: 127.0.0.1:2}\n",
                "router.yml: router.listeners[1].name: duplicate listener name 'reader' (name the second pool)");
        assertRefused("router:\n  listeners:\n    - {role: writer, listen: 127.0.0.1:1}\n"
                        + "    - {role: reader, listen: 127.0.0.1:1}\n",
                "router.yml: router.listeners[1].listen: another listener already uses 127.0.0.1:1");
        assertRefused("router:\n  listeners: []\n", "router.yml: router.listeners: at least one listener is needed");
    }

    @Test
    void shouldRefuseBadValues() {
        assertRefused("router: {writer_lease: 0s}\n", "router.yml: router.writer_lease: must be greater than zero");
        assertRefused("router: {hold_timeout: soon}\n",
                "router.yml: router.hold_timeout: 'soon' is not a duration (use e.g. 500ms, 1s, 1.5s, 2m, 1h, 1d)");
        assertRefused("router: {io_threads: 0}\n",
                "router.yml: router.io_threads: must be a whole number from 1 to 64, not '0'");
        assertRefused("router: {enabled: maybe}\n", "router.yml: router.enabled: must be true or false, not 'maybe'");
        assertRefused("router: [1]\n", "router.yml: router: must be a mapping of keys to values");
    }

    @Test
    void shouldRefuseDuplicateYamlKeys() {
        assertThatThrownBy(() -> parse("router:\n  hold_timeout: 1s\n  hold_timeout: 2s\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Duplicate field 'hold_timeout'");
    }

    @Test
    void shouldKeepTheRouterLeaseWithinTheMonitorsWriterLease() {
        RingmasterConfig leased = ConfigLoader.parse("""
                monitor: {writer_lease: 1500ms}
                credentials: {monitor: {user: rm}, replication: {user: repl}}
                hosts: [{name: db1, address: 127.0.0.1}]
                """, "cluster.yml", Path.of("."), null, k -> null);
        assertThat(RouterConfigReader.parse("router: {}\n", "r.yml", leased, k -> null).orElseThrow().writerLease())
                .isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> RouterConfigReader.parse("router: {writer_lease: 3s}\n", "r.yml", leased, k -> null))
                .hasMessage("r.yml: router.writer_lease: 3s is longer than monitor.writer_lease (1500ms): the monitor "
                        + "could promote a new writer while this router still sends writes to the old one");
    }

    @Test
    void shouldDeriveTheMonitorAddressFromTheClusterConfig() {
        assertThat(StandaloneRouter.defaultMonitor(CLUSTER.monitor())).isEqualTo(URI.create("http://127.0.0.1:9988"));
        assertThat(Optional.of(parse("router: {}\n")).get().monitorUrl()).isEmpty();
    }
}
