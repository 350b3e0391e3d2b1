package widen.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;
import widen.config.Setting;
import widen.config.WidenConfig;

/**
 * Applies log.format: text is logback.xml as shipped; json swaps the root logger's appender for
 * one with logback's own JSON encoder, one object per line, with the MDC (migration, range,
 * worker) as fields. Done in code, not in logback.xml, because the choice is a widen config key
 * (file or WIDEN_LOG_FORMAT), read after logback has started.
 */
final class LogFormat {
  private LogFormat() {}

  static void apply(WidenConfig config) {
    if (!config.get(Setting.LOG_FORMAT).equals("json")
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    JsonEncoder json = new JsonEncoder();
    json.setContext(context);
    // The event, not logback's bookkeeping: no sequence number, nanoseconds or context block.
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithThreadName(false);
    json.setWithArguments(false);
    json.setWithMessage(false);
    json.setWithFormattedMessage(true);
    json.start();
    ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
    out.setContext(context);
    out.setName("JSON");
    out.setTarget("System.err");
    out.setEncoder(json);
    out.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(out);
  }
}
