package dev.trustbridge.adapters;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects the log lines of one logger and its children, for tests that assert what operators read.
 */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  /** Starts collecting the lines of {@code loggerName}, e.g. a package name. */
  public LogCapture(String loggerName) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    appender.start();
    logger.addAppender(appender);
  }

  /** Every captured line as "LEVEL message". */
  public List<String> lines() {
    synchronized (appender.list) {
      return appender.list.stream()
          .map(event -> event.getLevel() + " " + event.getFormattedMessage())
          .toList();
    }
  }

  /** Whether a captured line contains every one of the fragments. */
  public boolean has(String... fragments) {
    return lines().stream()
        .anyMatch(line -> java.util.Arrays.stream(fragments).allMatch(line::contains));
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
