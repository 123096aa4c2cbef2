package io.ringmaster.core.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent of one database host ({@code agents.hosts[NAME]}): where its API listens and what it may do on the
 * host. Immutable and thread-safe.
 *
 * @param host           the host it runs beside (a name under {@code hosts:}), never null
 * @param address        address the monitor and the CLI reach the agent at (default: the host's address)
 * @param port           agent API port, 1..65535 (default {@code agents.port}, 9989: MMM's agent port)
 * @param listenAddress  address the agent binds (default: {@code address})
 * @param networkInterface interface role addresses (virtual IPs) go on, e.g. {@code eth0}; empty when this host
 *                       holds no role addresses
 * @param dataDir        the server's data directory (clone, rebuild, backup); empty when not configured
 * @param socket         the server's unix socket; the agent fences its own server through it while the TCP port is
 *                       blocked; empty when not configured (then it fences over TCP)
 * @param stopCommand    shell command that stops the server, e.g. {@code systemctl stop mariadb}; empty when not
 *                       configured (clone refuses then)
 * @param startCommand   shell command that starts it again, e.g. {@code systemctl start mariadb}
 * @param killHostCommand MMM's {@code kill_host}: shell command that cuts client access to the server instead of
 *                       the agent's own nftables rule, run with {@code block} or {@code unblock} appended;
 *                       empty for the built-in rule
 * @param osUser         owner the data directory gets after a clone (e.g. {@code mysql}); empty: the owner of the
 *                       old data directory
 */
public record AgentConfig(String host, String address, int port, String listenAddress,
                          Optional<String> networkInterface, Optional<Path> dataDir, Optional<Path> socket,
                          Optional<String> stopCommand, Optional<String> startCommand,
                          Optional<String> killHostCommand, Optional<String> osUser) {
    /** MMM's agent port. */
    public static final int DEFAULT_PORT = 9989;

    public AgentConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(networkInterface, "networkInterface");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(stopCommand, "stopCommand");
        Objects.requireNonNull(startCommand, "startCommand");
        Objects.requireNonNull(killHostCommand, "killHostCommand");
        Objects.requireNonNull(osUser, "osUser");
    }

    /** {@code address:port} of the agent's API. */
    public String endpoint() {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }
}
