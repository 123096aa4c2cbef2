package io.ringmaster.monitor;

import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.RingmasterConfig;
import java.nio.file.Path;

/** Configurations for the monitor's unit tests, parsed from YAML as users write them. */
final class TestConfigs {
    private TestConfigs() {}

    /** Two masters db1 and db2 on 127.0.0.1:3306 and :3307, with {@code extra} YAML lines before them. */
    static RingmasterConfig twoMasters(String extra) {
        return ConfigLoader.parse(extra + """
                credentials:
                  monitor: {user: mon, password: pw}
                  replication: {user: repl, password: pw}
                hosts:
                  - {name: db1, address: 127.0.0.1, port: 3306}
                  - {name: db2, address: 127.0.0.1, port: 3307}
                """, "test.yml", Path.of("."), null, k -> null);
    }
}
