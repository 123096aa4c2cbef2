package io.ringmaster.cli;

import io.ringmaster.core.config.ConfigException;
import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.RingmasterConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option shared by every verb; loads and validates the file. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "ringmaster.yml",
            description = "Configuration file (default: ${DEFAULT-VALUE}).")
    Path file;

    /**
     * Loads the configuration.
     *
     * @throws CliException with exit code 2 and the loader's one-line message when invalid
     */
    RingmasterConfig load() {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            throw new CliException(2, e.getMessage());
        }
    }
}
