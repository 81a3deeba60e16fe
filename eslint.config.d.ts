import type { Linter } from 'eslint';

/** The layer table eslint.config.js exports, typed for scripts/check-layers.ts and test/unit/scripts/check-layers.test.ts. */
export interface Layer {
  name: string;
  /** Folders and files under the repository root; a file belongs to the layer of the longest path holding it. */
  paths: string[];
  /** Paths above this layer it may take types (and only types) from, with why. */
  typeOnly?: Array<{ paths: string[]; why: string }>;
}

export const layers: Layer[];

declare const config: Linter.Config[];
export default config;
