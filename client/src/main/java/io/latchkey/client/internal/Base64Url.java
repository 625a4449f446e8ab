package io.latchkey.client.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/** Decodes one base64url segment of a compact JWS in place in the token's bytes, without a substring. */
final class Base64Url {
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {
    }

    /** @throws IllegalArgumentException when the segment is not base64url */
    static byte[] decode(byte[] source, int offset, int length) {
        ByteBuffer decoded = DECODER.decode(ByteBuffer.wrap(source, offset, length));
        byte[] array = decoded.array();
        return decoded.arrayOffset() == 0 && decoded.limit() == array.length
                ? array : Arrays.copyOfRange(array, decoded.arrayOffset(), decoded.arrayOffset() + decoded.limit());
    }
}
