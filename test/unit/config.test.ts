import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('ALLOWED_ORIGINS', () => {
  it('is a comma-separated list of origins, trailing slashes dropped', () => {
    expect(loadConfig({ ALLOWED_ORIGINS: ' http://localhost:6274, https://console.example.com/ ' }).allowedOrigins).toEqual([
      'http://localhost:6274',
      'https://console.example.com',
    ]);
    expect(loadConfig({}).allowedOrigins).toEqual([]);
  });

  it('refuses anything that is not an origin, naming the variable', () => {
    for (const value of ['https://console.example.com/app', 'console.example.com', '*']) {
      expect(() => loadConfig({ ALLOWED_ORIGINS: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ALLOWED_ORIGINS: value })).toThrow(/ALLOWED_ORIGINS/);
    }
  });
});

describe('tracing configuration (the standard OTEL_* variables)', () => {
  it('is off by default', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
  });

  it('turns on with an OTLP endpoint and sends to its /v1/traces', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, 'all').tracing).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      serviceName: 'switchboard',
    });
  });

  it('prefers the traces endpoint, names the service by role, and honours OTEL_TRACES_EXPORTER=none', () => {
    const env = { DATABASE_URL: 'postgres://x/y', TEMPORAL_ADDRESS: 't:7233', ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') };
    expect(
      loadConfig({ ...env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://other:4318' }, 'worker').tracing,
    ).toEqual({ tracesUrl: 'http://c:4318/custom', serviceName: 'switchboard-worker' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'sb' }).tracing).toEqual({
      tracesUrl: 'http://localhost:4318/v1/traces',
      serviceName: 'sb',
    });
  });

  it('refuses an exporter it does not have', () => {
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(ConfigError);
  });
});
