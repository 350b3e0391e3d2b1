package widen.testing;

import java.util.concurrent.ThreadLocalRandom;

/** A RabbitMQ user of a test's own with full rights on vhost /, deleted on {@link #close()}. */
public final class TestBrokerUser implements AutoCloseable {
  private final String name;
  private final String password;

  private TestBrokerUser(String name, String password) {
    this.name = name;
    this.password = password;
  }

  public static TestBrokerUser create(String purpose, String password) throws Exception {
    String name = "widen_" + purpose + "_" + Long.toString(
        ThreadLocalRandom.current().nextLong(1L << 30), 36);
    TestServices.rabbitmqctl("add_user", name, password);
    TestBrokerUser user = new TestBrokerUser(name, password);
    try {
      TestServices.rabbitmqctl("set_permissions", "-p", "/", name, ".*", ".*", ".*");
    } catch (Exception e) {
      user.close();
      throw e;
    }
    return user;
  }

  public String name() {
    return name;
  }

  public String password() {
    return password;
  }

  @Override
  public void close() throws Exception {
    TestServices.rabbitmqctl("delete_user", name);
  }
}
