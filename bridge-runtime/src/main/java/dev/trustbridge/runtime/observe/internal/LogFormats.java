package dev.trustbridge.runtime.observe.internal;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import dev.trustbridge.runtime.config.ObservabilitySettings.LogFormat;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * Switches the console log to the configured format once the configuration is read: logback is set
 * up from {@code trustbridge-logback.xml} before that, in the key=value format.
 */
public final class LogFormats {

  private LogFormats() {}

  /** Re-encodes every appender of the root logger in {@code format}; key=value is left as it is. */
  public static void apply(LogFormat format) {
    if (format != LogFormat.JSON
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender
          && !(appender.getEncoder() instanceof JsonEncoder)) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        // one field with the event as the key=value format shows it; the template and its
        // arguments would only repeat it
        encoder.setWithFormattedMessage(true);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.start();
        // swapped while running: stopping would close the stream of appenders that cannot reopen it
        appender.setEncoder(encoder);
      }
    }
  }
}
