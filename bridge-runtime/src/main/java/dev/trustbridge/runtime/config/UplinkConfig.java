package dev.trustbridge.runtime.config;

/** Provisional until the mqtt component lands. */
public record UplinkConfig(String id) {}
