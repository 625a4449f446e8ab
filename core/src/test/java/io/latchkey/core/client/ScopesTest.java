package io.latchkey.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.latchkey.core.error.ErrorCode;
import io.latchkey.core.error.LatchkeyException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScopesTest {
    private static final Scopes GRANTED = Scopes.of(List.of("orders:read", "orders:write", "invoices:read"));

    @Test
    void parsesTheSpaceDelimitedFormKeepingOrderAndDroppingDuplicates() {
        Scopes scopes = Scopes.parse("b  a b c");

        assertThat(scopes.asList()).containsExactly("b", "a", "c");
        assertThat(scopes.spaceDelimited()).isEqualTo("b a c");
    }

    @Test
    void nullOrBlankParsesToNoScope() {
        assertThat(Scopes.parse(null).isEmpty()).isTrue();
        assertThat(Scopes.parse("   ").isEmpty()).isTrue();
        assertThat(Scopes.parse("").asList()).isEmpty();
    }

    @Test
    void narrowingWithoutARequestKeepsEverythingGranted() {
        assertThat(GRANTED.narrow(null)).isEqualTo(GRANTED);
    }

    @Test
    void narrowingToASubsetGivesThatSubset() {
        assertThat(GRANTED.narrow("invoices:read orders:read").asList())
                .containsExactly("invoices:read", "orders:read");
    }

    @Test
    void narrowingBeyondTheGrantedSetIsInvalidScope() {
        assertThatThrownBy(() -> GRANTED.narrow("orders:read admin"))
                .isInstanceOfSatisfying(LatchkeyException.class,
                        e -> assertThat(e.error()).isEqualTo(ErrorCode.INVALID_SCOPE));
    }

    @Test
    void noScopeGrantedAllowsNoScopeRequested() {
        assertThatThrownBy(() -> Scopes.NONE.narrow("orders:read"))
                .isInstanceOfSatisfying(LatchkeyException.class,
                        e -> assertThat(e.error().code()).isEqualTo("invalid_scope"));
    }

    @Test
    void aMalformedRequestedScopeIsInvalidScopeToo() {
        assertThatThrownBy(() -> GRANTED.narrow("orders:read \"quoted\""))
                .isInstanceOfSatisfying(LatchkeyException.class,
                        e -> assertThat(e.error()).isEqualTo(ErrorCode.INVALID_SCOPE));
    }

    @Test
    void scopeTokensOutsideRfc6749CharactersAreRejected() {
        for (String invalid : List.of("with\"quote", "back\\slash", "tab\there", "caf\u00e9", "new\nline")) {
            assertThatThrownBy(() -> Scopes.of(List.of(invalid)))
                    .as(invalid)
                    .isInstanceOfSatisfying(LatchkeyException.class,
                            e -> assertThat(e.error()).isEqualTo(ErrorCode.INVALID_REQUEST));
        }
    }

    @Test
    void allVisibleAsciiOtherThanQuoteAndBackslashIsAccepted() {
        assertThat(Scopes.parse("!#$%&'()*+,-./0-9:;<=>?@A-Z[]^_`a-z{|}~").asList()).hasSize(1);
    }

    @Test
    void aScopeTokenOver128CharactersIsRejected() {
        assertThat(Scopes.of(List.of("a".repeat(128))).asList()).hasSize(1);
        assertThatThrownBy(() -> Scopes.of(List.of("a".repeat(129)))).isInstanceOf(LatchkeyException.class);
    }

    @Test
    void theValuesCannotBeChangedFromOutside() {
        assertThatThrownBy(() -> GRANTED.values().add("admin")).isInstanceOf(UnsupportedOperationException.class);
    }
}
