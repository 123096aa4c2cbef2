import io.ringmaster.cli.WriteLoad;
import io.ringmaster.core.config.Credentials;
import io.ringmaster.core.config.HostConfig;
import io.ringmaster.core.config.Secret;
import io.ringmaster.core.model.HostMode;
import io.ringmaster.sandbox.Sandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One failover drill through the router (run by bench/router/failover.sh with the ringmaster jar on the class path):
 * writes through the router's writer address as an application does, SIGKILLs the writer, and prints one line:
 * the write-unavailable window (last acknowledged write before the kill to the first one after), the failed
 * statements, and whether every acknowledged row is on the new writer (read through the router again). The
 * client's connect timeout (10 s) is longer than a failover, so a reconnect the router holds is not given up.
 *
 *   java -cp ringmaster.jar FailoverDrill.java SANDBOX_DIR WRITER_PORT
 */
public class FailoverDrill {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        Credentials root = new Credentials("root", Secret.of(""));
        HostConfig router = new HostConfig("router", "127.0.0.1", port, HostMode.MASTER, Optional.empty());
        WriteLoad.prepare(router, root, Duration.ofSeconds(10));
        Sandbox sandbox = Sandbox.open(dir);
        List<Long> acked;
        long killedAt;
        long before;
        long after = 0;
        long failures;
        try (WriteLoad load = new WriteLoad(() -> Optional.of(router), root, Duration.ofSeconds(10)).start()) {
            Thread.sleep(3000);
            before = load.lastSuccessNanos();
            killedAt = System.nanoTime();
            sandbox.kill("db1");
            long deadline = killedAt + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && load.lastSuccessNanos() <= killedAt) {
                Thread.sleep(10);
            }
            Thread.sleep(2000);
            load.close();
            for (long[] o : load.outages()) {
                if (o[1] > killedAt) {
                    before = o[0];
                    after = o[1];
                    break;
                }
            }
            failures = load.failures();
            acked = load.acknowledged();
        }
        List<Long> missing = WriteLoad.missingOn(router, root, Duration.ofSeconds(10), acked);
        if (after == 0) {
            System.out.printf("window=NONE (no write succeeded within 60 s of the kill) failed=%d acked=%d%n",
                    failures, acked.size());
            System.exit(1);
        }
        System.out.printf("window_ms=%d kill_to_first_write_ms=%d failed=%d acked=%d lost=%d%n",
                (after - before) / 1_000_000, (after - killedAt) / 1_000_000, failures, acked.size(), missing.size());
        System.exit(missing.isEmpty() ? 0 : 1);
    }
}
