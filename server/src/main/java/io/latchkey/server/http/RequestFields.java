package io.latchkey.server.http;

/**
 * The named values of a request body as a credential reader sees them: the parameters of a
 * standard endpoint ({@link OAuthParameters}) or the fields of the pipeline's JSON
 * ({@link JsonFields}).
 */
interface RequestFields {
    /** The value of {@code name}, or null when absent; a value of the wrong type is a 400. */
    String value(String name);

    /** No fields at all: a request whose body carries no credential. */
    RequestFields NONE = name -> null;
}
