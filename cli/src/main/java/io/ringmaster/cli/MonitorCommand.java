package io.ringmaster.cli;

import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.monitor.HttpApi;
import io.ringmaster.monitor.Monitor;
import io.ringmaster.router.Router;
import io.ringmaster.router.RouterConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ringmaster monitor}: runs the monitor in the foreground until SIGTERM or SIGINT. */
@Command(name = "monitor", description = "Run the monitor in the foreground (SIGTERM stops it cleanly).")
final class MonitorCommand implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Option(names = "--router-config", paramLabel = "FILE",
            description = "Read the router: section from this file; the router runs in this process when enabled.")
    Path routerConfig;

    @Override
    public Integer call() throws InterruptedException {
        RingmasterConfig cfg = config.load();
        Router router = RouterCommand.routerConfig(cfg, routerConfig).filter(RouterConfig::enabled)
                .map(rc -> Router.forCluster(rc, cfg)).orElse(null);
        Monitor monitor;
        HttpApi api;
        try {
            monitor = new Monitor(cfg, Clock.systemUTC());
            api = new HttpApi(monitor);
        } catch (IOException e) {
            throw new CliException(1, e.getMessage());
        }
        if (router != null) {
            router.bindMetrics(monitor.metrics().registry(), "monitor");
            try {
                router.start();
            } catch (IOException e) {
                api.close();
                monitor.close();
                throw new CliException(1, e.getMessage());
            }
            monitor.addRouteListener(router::update);
            monitor.setRouterStats(router::stats);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            api.close();
            monitor.close();
            if (router != null) {
                router.close();
            }
            stopped.countDown();
        }, "ringmaster-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        api.start();
        monitor.start();
        stopped.await();
        return 0;
    }
}
