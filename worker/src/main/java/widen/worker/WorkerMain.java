package widen.worker;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import widen.Backoff;
import widen.NetworkFaults;
import widen.config.Setting;
import widen.config.WidenConfig;
import widen.db.Databases;

/**
 * {@code widen worker}: runs a worker until SIGTERM or SIGINT, then drains and exits 0.
 *
 * <p>The signal is caught (not left to the JVM's shutdown hooks, which would exit 143) so that a
 * Kubernetes pod or systemd unit stopping a worker sees a clean exit after the drain.
 */
public final class WorkerMain {
  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static int run(WidenConfig config) throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    Worker started = startPatiently(config, stop);
    if (started == null) {
      return 0; // stopped before it could start: nothing was taken
    }
    try (Worker worker = started) {
      stop.await();
      log.info("worker {} stopping: no new ranges, finishing the ones in hand", worker.id());
      worker.drain(config.getInt(Setting.WORKER_DRAIN_SECONDS));
      log.info("worker {} stopped", worker.id());
    }
    return 0;
  }

  /**
   * Starts a worker. A start whose connection was dropped after it reached its server (a reset
   * during the checks, say) is the network's fault, not the config's: it is tried again, from
   * scratch, for up to {@code retry.unreachable_seconds}. Anything else (a wrong address, a
   * missing table, a refused password) fails at once with its one line. Returns null if a stop
   * signal came first.
   */
  private static Worker startPatiently(WidenConfig config, CountDownLatch stop)
      throws InterruptedException {
    long giveUp = System.nanoTime()
        + TimeUnit.SECONDS.toNanos(config.getLong(Setting.RETRY_UNREACHABLE_SECONDS));
    Backoff backoff = new Backoff(1_000, 30_000);
    for (int failures = 1; ; failures++) {
      Worker worker = new Worker(config);
      // The main thread's lines (start, drain, stop); consumer threads set their own.
      org.slf4j.MDC.put("migration", config.migrationId());
      org.slf4j.MDC.put("worker", worker.id());
      try {
        worker.start();
        return worker;
      } catch (RuntimeException e) {
        worker.close();
        if (!NetworkFaults.droppedAfterReaching(e) || System.nanoTime() > giveUp) {
          throw e;
        }
        long wait = backoff.millis(failures);
        log.warn("worker {}: a connection dropped while starting ({}); starting again in {} ms",
            worker.id(), Databases.oneLine(String.valueOf(e.getMessage())), wait);
        if (stop.await(wait, TimeUnit.MILLISECONDS)) {
          return null;
        }
      }
    }
  }
}
