package io.ringmaster.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs one action on several servers at once, on a short-lived pool of named threads (at most 4: the machines this
 * runs on have 2 cores, and a starting server mostly waits on its disk). Stateless, thread-safe.
 */
final class Parallel {
    private static final int MAX_THREADS = 4;

    private Parallel() {}

    /**
     * Runs {@code task} on every item and waits for all of them.
     *
     * @param name    thread name prefix
     * @param items   what to run on; an empty list does nothing
     * @param task    the action; its own waits must be bounded
     * @param timeout bound on the whole run; tasks still running then are interrupted
     * @throws SandboxException the first failure (the others added as suppressed), or a timeout
     */
    static <T> void run(String name, List<T> items, Consumer<T> task, Duration timeout) {
        if (items.isEmpty()) {
            return;
        }
        if (items.size() == 1) {
            task.accept(items.get(0));
            return;
        }
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, name + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(MAX_THREADS, items.size()), factory);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> task.accept(item)));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            RuntimeException first = null;
            for (Future<?> f : futures) {
                try {
                    f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    RuntimeException failure = e.getCause() instanceof RuntimeException re ? re
                            : new SandboxException(e.getCause().toString(), e.getCause());
                    if (first == null) {
                        first = failure;
                    } else {
                        first.addSuppressed(failure);
                    }
                } catch (TimeoutException e) {
                    throw new SandboxException(name + " did not finish within " + Commands.seconds(timeout), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SandboxException("interrupted during " + name, e);
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
