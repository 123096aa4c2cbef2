package io.ringmaster.tools.checksum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IntegerRangesTest {
    private static BigInteger n(long v) {
        return BigInteger.valueOf(v);
    }

    @Test
    void shouldCutByKeyArithmeticOnlyAfterAnExactChunkMeasuredTheDensity() {
        IntegerRanges r = new IntegerRanges(n(2_000_000));
        assertThat(r.trusted()).isFalse();
        assertThatThrownBy(() -> r.upper(n(0), 10)).isInstanceOf(IllegalStateException.class);
        // ids 1, 3, 5, ...: 1000 rows over (0, 1999]
        r.record(n(0), n(1999), 1000, 1000, true);
        assertThat(r.trusted()).isTrue();
        assertThat(r.upper(n(1999), 50_000)).contains(n(1999 + 99_950)); // 50000 / (1000 / 1999)
    }

    @Test
    void shouldEndTheTableAtTheLargestKey() {
        IntegerRanges r = new IntegerRanges(n(10_000));
        r.record(n(0), n(1000), 1000, 1000, true);
        assertThat(r.upper(n(8_000), 1000)).contains(n(9_000));
        assertThat(r.upper(n(9_500), 1000)).isEqualTo(Optional.empty());
    }

    @Test
    void shouldStopTrustingAnEstimateThatMadeAChunkTooLarge() {
        IntegerRanges r = new IntegerRanges(n(1_000_000));
        r.record(n(0), n(1000), 100, 100, true);  // sparse start: 0.1 rows per key
        r.record(n(1000), n(2000), 1000, 100, false); // a dense cluster: ten times what was wanted
        assertThat(r.trusted()).isFalse();
    }

    @Test
    void shouldCrossGapsInAFewChunks() {
        IntegerRanges r = new IntegerRanges(n(Long.MAX_VALUE));
        r.record(n(0), n(1000), 1000, 1000, true);
        BigInteger lower = n(1000);
        int chunks = 0;
        while (chunks < 100) {
            Optional<BigInteger> up = r.upper(lower, 1000);
            if (up.isEmpty()) {
                break;
            }
            r.record(lower, up.get(), 0, 1000, false); // nothing there
            lower = up.get();
            chunks++;
        }
        assertThat(chunks).isLessThan(40);
    }

    @Test
    void shouldHandleUnsignedBigintKeys() {
        BigInteger top = new BigInteger("18446744073709551615");
        IntegerRanges r = new IntegerRanges(top);
        r.record(top.subtract(n(2000)), top.subtract(n(1000)), 1000, 1000, true);
        assertThat(r.upper(top.subtract(n(1000)), 500)).contains(top.subtract(n(500)));
        assertThat(r.upper(top.subtract(n(100)), 500)).isEmpty();
    }
}
