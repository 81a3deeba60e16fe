import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

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
