package io.ringmaster.cli;

import io.ringmaster.core.config.ConfigException;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.router.RouterConfig;
import io.ringmaster.router.RouterConfigReader;
import io.ringmaster.router.StandaloneRouter;
import io.ringmaster.tools.mmm.MmmImport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ringmaster router}: a standalone router (for example on an application host) that follows a monitor's
 * route table over HTTP and listens on the role addresses of the {@code router:} section, until SIGTERM or SIGINT.
 */
@Command(name = "router", description = {
        "Run a standalone router in the foreground: one TCP address per role (writer 127.0.0.1:6446 and reader",
        "127.0.0.1:6447 by default, plus named reader pools), following the monitor's role table over HTTP.",
        "Without news from the monitor for router.writer_lease it stops routing writes; reads go on.",
        "SIGTERM stops it cleanly."})
final class RouterCommand implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Option(names = "--router-config", paramLabel = "FILE",
            description = "Read the router: section from this file instead of the --config file.")
    Path routerConfig;

    @Override
    public Integer call() throws InterruptedException {
        RingmasterConfig cfg = config.load();
        RouterConfig rc = routerConfig(cfg, routerConfig).orElseGet(RouterConfig::defaults);
        StandaloneRouter router = new StandaloneRouter(rc, cfg, System::nanoTime);
        try {
            router.start();
        } catch (IOException e) {
            router.close();
            throw new CliException(1, e.getMessage());
        }
        System.out.println("router following " + router.monitor() + "; listening: " + String.join(", ",
                rc.listeners().stream().map(l -> l.name() + " " + l.endpoint()).toList())
                + rc.metrics().map(m -> "; metrics http://" + m.address() + ":" + router.metricsPort() + "/metrics")
                        .orElse(""));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            router.close();
            stopped.countDown();
        }, "ringmaster-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * The {@code router:} section: from {@code routerFile} when given (the section must be there), else from the
     * cluster's own YAML file (empty when it has none, or when the cluster came from an MMM file).
     *
     * @throws CliException with exit code 2 and a one-line message naming the file and the field when invalid
     */
    static Optional<RouterConfig> routerConfig(RingmasterConfig cfg, Path routerFile) {
        try {
            Optional<RouterConfig> rc;
            if (routerFile != null) {
                rc = Optional.of(RouterConfigReader.require(routerFile, cfg));
            } else if (cfg.source() != null && !MmmImport.looksLikeMmm(cfg.source())) {
                rc = RouterConfigReader.read(cfg.source(), cfg);
            } else {
                rc = Optional.empty();
            }
            return rc;
        } catch (ConfigException e) {
            throw new CliException(2, e.getMessage());
        }
    }
}
