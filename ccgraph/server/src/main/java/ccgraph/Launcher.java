package ccgraph;

import java.nio.file.Path;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.configuration.ssl.ClientAuth;
import org.neo4j.configuration.ssl.SslPolicyConfig;
import org.neo4j.configuration.ssl.SslPolicyScope;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * Runs a real Neo4j Community server (Bolt on 127.0.0.1) until the process is stopped.
 * Args: homeDir boltPort [tlsDir]; the password is the first line of stdin (never on the command
 * line). With tlsDir (holding private.key and public.crt) Bolt accepts TLS connections only.
 * Settings in the file named by the system property ccgraph.conf (neo4j.conf syntax) are applied
 * first; connector, address, TLS and authentication settings here always win.
 * Prints "READY" once Bolt accepts connections.
 *
 * <p>What analysts' queries may reach is limited here too, whatever the settings file says
 * (see docs/security.md): LOAD CSV cannot read local files (file URLs off, and the import folder
 * an empty directory beside the store); transactions may hold at most 70% of the heap in tracked
 * memory (one alone, or all together; a x10 synthetic load in one transaction fits a 2 GB heap); no plugin procedure outside db.* is loaded
 * (built-in procedures are always present: the console's plan check allows only a few).
 */
public final class Launcher {
    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String password = new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        String conf = System.getProperty("ccgraph.conf");
        if (conf != null) {
            builder.loadPropertiesFromFile(Path.of(conf)); // tuning (memory, transaction state)
        }
        if (args.length > 2) {
            SslPolicyConfig bolt = SslPolicyConfig.forScope(SslPolicyScope.BOLT);
            builder.setConfig(bolt.enabled, true)
                    .setConfig(bolt.base_directory, Path.of(args[2]))
                    .setConfig(bolt.client_auth, ClientAuth.NONE)
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.REQUIRED);
        }
        Path imports = home.resolveSibling("import");
        Files.createDirectories(imports);
        long heap = Runtime.getRuntime().maxMemory();
        builder.setConfig(GraphDatabaseSettings.allow_file_urls, false)
                .setConfig(GraphDatabaseSettings.load_csv_file_url_root, imports)
                .setConfig(GraphDatabaseSettings.memory_transaction_max_size, heap / 10 * 7)
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, heap / 10 * 7)
                .setConfig(GraphDatabaseSettings.procedure_allowlist, List.of("db.*"));
        DatabaseManagementService dbms = builder
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(10))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown));
        try {
            setPassword(dbms.database("system"), password);
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(1); // fail fast so that `ccgraph neo4j start` reports it at once
        }
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }

    /** Sets the password; a store that already has this password (a restart) is left as it is. */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", java.util.Map.of("pw", password));
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (String.valueOf(t.getMessage()).contains("cannot be the same")) {
                    return;
                }
            }
            throw e;
        }
    }
}
