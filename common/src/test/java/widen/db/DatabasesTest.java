package widen.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.SQLNonTransientConnectionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import widen.config.DbEndpoint;
import widen.config.Secret;

/** Connection settings and the one-line messages for connections that fail over TLS. */
class DatabasesTest {
  private static final DbEndpoint DB = new DbEndpoint("target",
      "jdbc:mysql://db2:3306/smh?sslMode=VERIFY_IDENTITY", "widen", new Secret("pw"), "t");

  @Test
  void noDriverPropertyTouchesTls() {
    // Connector/J lets properties override the URL, so any of these here would silently replace
    // the operator's sslMode or trust store.
    for (String key : Databases.driverProperties(DB).stringPropertyNames()) {
      String k = key.toLowerCase();
      assertFalse(k.contains("ssl") || k.contains("tls") || k.contains("certificate")
          || k.contains("keystore") || k.contains("truststore"), "TLS property set: " + key);
    }
  }

  @Test
  void aServerWithoutTlsIsNamedWithTheFix() {
    var e = new SQLNonTransientConnectionException(
        "SSL Connection required, but not provided by server.", "08001");
    assertEquals("target database at db2:3306 does not offer TLS, which target.url requires"
        + " (sslMode): enable TLS on the server, or change sslMode in target.url",
        Databases.connectFailure(DB, e).getMessage());
  }

  @Test
  void anUntrustedCertificateIsNamedWithTheTrustStoreToFix() {
    var e = new SQLNonTransientConnectionException("Communications link failure", "08S01",
        new SSLHandshakeException("PKIX path building failed:\n unable to find valid"
            + " certification path to requested target"));
    assertEquals("target database at db2:3306 failed the TLS handshake (PKIX path building"
        + " failed: unable to find valid certification path to requested target): make the trust"
        + " store in target.url's trustCertificateKeyStoreUrl hold the server's CA certificate,"
        + " and with sslMode=VERIFY_IDENTITY use the host name the certificate names",
        Databases.connectFailure(DB, e).getMessage());
  }
}
