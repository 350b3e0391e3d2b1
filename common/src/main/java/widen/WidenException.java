package widen;

/**
 * A problem an operator must fix, said in one line: what is wrong and what to do about it.
 *
 * <p>The command line prints only {@link #getMessage()} and exits non-zero, so the message must
 * stand on its own ("source table edxapp.csmh not found: check source.table"). It never contains a
 * password: messages are built from config keys and values that are not secrets.
 */
public class WidenException extends RuntimeException {
  public WidenException(String message) {
    super(message);
  }

  public WidenException(String message, Throwable cause) {
    super(message, cause);
  }
}
