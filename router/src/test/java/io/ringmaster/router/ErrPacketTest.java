package io.ringmaster.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ErrPacketTest {

    @Test
    void shouldLayOutAnErrPacketWithSequenceZero() {
        byte[] p = ErrPacket.of(2003, "08004", "no writer");
        assertThat(p).containsExactly(
                18, 0, 0,                 // payload length 1 + 2 + 1 + 5 + 9
                0,                        // sequence id
                (byte) 0xFF,              // ERR
                (byte) 0xD3, 0x07,        // 2003, little-endian
                '#', '0', '8', '0', '0', '4',
                'n', 'o', ' ', 'w', 'r', 'i', 't', 'e', 'r');
    }

    @Test
    void shouldEncodeTheCodeLittleEndian() {
        byte[] p = ErrPacket.of(1040, "HY000", "x");
        assertThat(p[5] & 0xFF | (p[6] & 0xFF) << 8).isEqualTo(1040);
    }

    @Test
    void shouldReplaceNonAsciiAndControlCharacters() {
        byte[] p = ErrPacket.of(2003, "HY000", "café\nok");
        assertThat(new String(p, 13, p.length - 13, StandardCharsets.US_ASCII)).isEqualTo("caf??ok");
    }

    @Test
    void shouldCutLongMessagesAndKeepTheLengthHeaderRight() {
        byte[] p = ErrPacket.of(2003, "HY000", "x".repeat(5000));
        int payload = p[0] & 0xFF | (p[1] & 0xFF) << 8 | (p[2] & 0xFF) << 16;
        assertThat(payload).isEqualTo(p.length - 4).isEqualTo(9 + ErrPacket.MAX_MESSAGE_BYTES);
        assertThat(Arrays.copyOfRange(p, 13, p.length)).hasSize(ErrPacket.MAX_MESSAGE_BYTES);
    }

    @Test
    void shouldRefuseMalformedCodesAndStates() {
        assertThatThrownBy(() -> ErrPacket.of(70000, "HY000", "m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ErrPacket.of(2003, "HY00", "m")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ErrPacket.of(2003, "hy000", "m")).isInstanceOf(IllegalArgumentException.class);
    }
}
