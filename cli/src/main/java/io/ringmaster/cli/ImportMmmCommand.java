package io.ringmaster.cli;

import io.ringmaster.tools.mmm.MmmConfigException;
import io.ringmaster.tools.mmm.MmmConversion;
import io.ringmaster.tools.mmm.MmmImport;
import io.ringmaster.tools.mmm.MmmNote;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ringmaster import-mmm FILE...}: converts MMM 2.x configuration into ringmaster.yml, printed on standard
 * output (or written with {@code --output}); every key that could not be mapped, and why, goes to standard error.
 */
@Command(name = "import-mmm", mixinStandardHelpOptions = true, description = {
        "Convert MMM configuration (mmm_common.conf, mmm_mon.conf, mmm_agent.conf, with their includes) into "
                + "ringmaster.yml on standard output.",
        "Keys with no equivalent are listed on standard error with the reason. Passwords are not copied: the YAML "
                + "refers to $${RINGMASTER_MONITOR_PASSWORD} and $${RINGMASTER_REPLICATION_PASSWORD}, to set in the "
                + "environment, and reads the API token from $${RINGMASTER_API_TOKEN} (required when MMM's monitor "
                + "listened beyond loopback, e.g. ip 0.0.0.0) and the agents' token from $${RINGMASTER_AGENT_TOKEN}.",
        "Role ips, cluster_interface, agent_port and mysql_rcscript become the agents: section (one agent per host, "
                + "as MMM's mmm_agentd)."})
final class ImportMmmCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "MMM files, read in order as if they were one.")
    List<Path> files;
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the YAML here instead.")
    Path output;

    @Override
    public Integer call() {
        MmmConversion c;
        try {
            c = MmmImport.convert(files);
        } catch (MmmConfigException e) {
            throw new CliException(2, e.getMessage());
        }
        if (output != null) {
            Path out = output.toAbsolutePath().normalize();
            for (String f : c.files()) {
                if (Path.of(f).toAbsolutePath().normalize().equals(out)) {
                    throw new CliException(2, "--output " + output + " is one of the MMM files read; choose another "
                            + "file");
                }
            }
        }
        for (MmmNote n : c.notes()) {
            System.err.println(n);
        }
        if (output == null) {
            System.out.print(c.yaml());
            return 0;
        }
        try {
            Files.writeString(output, c.yaml());
        } catch (IOException e) {
            throw new CliException(1, "cannot write " + output + ": " + e.getMessage());
        }
        System.err.println("wrote " + output);
        return 0;
    }
}
