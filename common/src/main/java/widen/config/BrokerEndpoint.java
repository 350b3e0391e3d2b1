package widen.config;

/**
 * The RabbitMQ broker and the queue namespace of one migration ({@code widen.<migration.id>}).
 *
 * @param trustStore for amqps://, the trust store file verifying the broker's certificate; empty
 *     for the JVM's default trust store
 * @param heartbeatSeconds the AMQP heartbeat to ask for (the broker may lower it)
 */
public record BrokerEndpoint(String url, String user, Secret password, String queueNamespace,
    String trustStore, Secret trustStorePassword, int heartbeatSeconds) {

  public boolean tls() {
    return url.startsWith("amqps://");
  }

  @Override
  public String toString() {
    return user + "@" + url + " (" + queueNamespace + ".*)";
  }
}
