package io.ringmaster.cli;

import io.ringmaster.core.config.ConfigException;
import io.ringmaster.core.config.ConfigLoader;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.tools.mmm.MmmConfigException;
import io.ringmaster.tools.mmm.MmmConversion;
import io.ringmaster.tools.mmm.MmmImport;
import io.ringmaster.tools.mmm.MmmNote;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --config FILE} option shared by every verb; loads and validates the file. MMM files
 * ({@code mmm_mon.conf}, with its includes) are accepted too and converted in memory; several {@code --config}
 * are allowed for MMM files only.
 */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "ringmaster.yml",
            description = "Configuration file (default: ${DEFAULT-VALUE}); MMM's mmm_mon.conf is accepted too, "
                    + "and may be given several times for MMM files.")
    List<Path> files;

    /**
     * Loads the configuration. MMM files are converted in memory, their passwords used from memory; warnings
     * about them and a count of unmapped keys go to standard error.
     *
     * @throws CliException with exit code 2 and a one-line message when invalid
     */
    RingmasterConfig load() {
        Path first = files.get(0);
        boolean mmm = MmmImport.looksLikeMmm(first);
        try {
            if (!mmm) {
                if (files.size() > 1) {
                    throw new CliException(2, first + ": several --config files are accepted for MMM files only");
                }
                return ConfigLoader.load(first);
            }
            MmmConversion c = MmmImport.convert(files);
            c.notes(MmmNote.Kind.WARNING).forEach(n -> System.err.println("ringmaster: " + n));
            int unmapped = c.notes(MmmNote.Kind.UNMAPPED).size();
            if (unmapped > 0) {
                String names = String.join(" ", files.stream().map(Path::toString).toList());
                System.err.println("ringmaster: " + first + ": MMM configuration converted in memory; " + unmapped
                        + " key(s) not mapped (see 'ringmaster import-mmm " + names + "')");
            }
            Path base = first.toAbsolutePath().getParent();
            return ConfigLoader.parse(c.yaml(), first + " (converted from MMM)", base, first, c.env(System::getenv));
        } catch (ConfigException | MmmConfigException e) {
            throw new CliException(2, e.getMessage());
        }
    }
}
