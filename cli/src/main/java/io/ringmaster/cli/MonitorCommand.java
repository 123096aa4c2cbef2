package io.ringmaster.cli;

import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.monitor.HttpApi;
import io.ringmaster.monitor.Monitor;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ringmaster monitor}: runs the monitor in the foreground until SIGTERM or SIGINT. */
@Command(name = "monitor", description = "Run the monitor in the foreground (SIGTERM stops it cleanly).")
final class MonitorCommand implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Override
    public Integer call() throws InterruptedException {
        RingmasterConfig cfg = config.load();
        Monitor monitor;
        HttpApi api;
        try {
            monitor = new Monitor(cfg, Clock.systemUTC());
            api = new HttpApi(monitor);
        } catch (IOException e) {
            throw new CliException(1, e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            api.close();
            monitor.close();
            stopped.countDown();
        }, "ringmaster-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        api.start();
        monitor.start();
        stopped.await();
        return 0;
    }
}
