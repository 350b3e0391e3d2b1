package widen.worker;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import widen.ProcessIdentity;
import widen.StartAgain;
import widen.config.Setting;
import widen.config.WidenConfig;

/**
 * {@code widen worker}: runs a worker until SIGTERM or SIGINT, then drains and exits 0.
 *
 * <p>The signal is caught (not left to the JVM's shutdown hooks, which would exit 143) so that a
 * Kubernetes pod or systemd unit stopping a worker sees a clean exit after the drain.
 */
public final class WorkerMain {
  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static int run(WidenConfig config) throws Exception {
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
   * Starts a worker; one whose connection dropped after reaching its server starts again
   * ({@link StartAgain}). Returns null if a stop signal came first.
   */
  private static Worker startPatiently(WidenConfig config, CountDownLatch stop)
      throws Exception {
    return StartAgain.patiently(config.getLong(Setting.RETRY_UNREACHABLE_SECONDS),
        "worker " + ProcessIdentity.current(), log, () -> {
          Worker worker = new Worker(config);
          // The main thread's lines (start, drain, stop); consumer threads set their own.
          org.slf4j.MDC.put("migration", config.migrationId());
          org.slf4j.MDC.put("worker", worker.id());
          try {
            worker.start();
            return worker;
          } catch (RuntimeException e) {
            worker.close();
            throw e;
          }
        }, millis -> stop.await(millis, TimeUnit.MILLISECONDS));
  }
}
