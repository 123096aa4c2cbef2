package io.ringmaster.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ringmaster.core.config.RingmasterConfig;
import io.ringmaster.tools.archive.ArchiveChain;
import io.ringmaster.tools.archive.ArchiveIndex;
import io.ringmaster.tools.archive.ArchiveStatus;
import io.ringmaster.tools.archive.ArchivedFile;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ringmaster archive status}: what the binlog archive in the repository covers, its lag and its gaps. */
@Command(name = "archive", description = "The binlog archive (backup.repository/binlog), kept by the monitor.",
        subcommands = ArchiveCommand.Status.class)
final class ArchiveCommand {

    @Command(name = "status", description = {
            "Range covered per GTID domain, lag behind the writer (transactions, seconds, bytes) as the archiver last",
            "reported it, and any gap. Exit 0; 1 when the archive has a gap or its report is older than 30 s",
            "(archiver stalled or monitor down); 2 when backup.repository is not configured."})
    static final class Status implements Callable<Integer> {
        @Mixin ConfigOption config;
        @Option(names = "--json", description = "Print JSON.") boolean json;

        @Override
        public Integer call() throws IOException {
            RingmasterConfig cfg = config.load();
            if (!cfg.backup().enabled()) {
                throw new CliException(2, "backup.repository: not configured (the archive lives there)");
            }
            ArchiveIndex index = new ArchiveIndex(cfg.backup().requireRepository());
            ArchiveChain chain = index.chain();
            Optional<ArchiveStatus> st = index.status();
            long age = st.map(s -> Duration.between(Instant.parse(s.updated()), Instant.now()).toSeconds()).orElse(-1L);
            boolean stale = age < 0 || age > 30;
            List<ArchiveChain.Gap> gaps = chain.gaps();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("directory", index.dir().toString());
            out.put("covered", chain.covered().values().stream().map(r -> Map.of("domain", r.domain(),
                    "from", r.fromSeq(), "to", r.toSeq())).toList());
            out.put("end", chain.end().toString());
            out.put("files", chain.files().size());
            out.put("bytes", chain.files().stream().mapToLong(ArchivedFile::bytes).sum());
            out.put("gaps", gaps.stream().map(ArchiveChain.Gap::toString).toList());
            out.put("status", st.orElse(null));
            out.put("statusAgeSeconds", age);
            if (json) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(out));
            } else {
                System.out.println("archive " + index.dir() + ": " + chain.files().size() + " file(s)");
                System.out.println("covered: " + chain.describeCovered());
                System.out.println("gaps: " + (gaps.isEmpty() ? "none" : String.join("; ",
                        gaps.stream().map(ArchiveChain.Gap::toString).toList())));
                if (st.isEmpty()) {
                    System.out.println("archiver: no report yet (is the monitor running with backup.archive on?)");
                } else {
                    ArchiveStatus s = st.get();
                    System.out.println("archiver: " + (s.running() ? "streaming from " + s.writer() : "not streaming")
                            + ", report " + age + " s old" + (stale ? " (STALE)" : ""));
                    System.out.println("lag: " + s.lagTransactions() + " transaction(s), " + s.lagSeconds() + " s, "
                            + (s.lagBytes() < 0 ? "? " : s.lagBytes() + " ") + "byte(s) behind " + s.writerPos());
                    if (!s.error().isEmpty()) {
                        System.out.println("last error: " + s.error());
                    }
                }
            }
            return gaps.isEmpty() && !stale ? 0 : 1;
        }
    }

    private ArchiveCommand() {}

}
