package io.latchkey.core.apikey;

/** An API key just created, with the key itself, which is shown this once. */
public record NewApiKey(ApiKey apiKey, String key) {
    @Override
    public String toString() {
        return "NewApiKey[" + apiKey.id() + "]"; // never the key
    }
}
