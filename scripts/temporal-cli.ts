// Makes sure the pinned Temporal CLI is built and cached; prints its path. Used by .ci/run.
import { loadConfig } from '../src/config.js';
import { ensureTemporalCli } from '../src/temporal/cli.js';

const config = loadConfig();
const path = await ensureTemporalCli({
  cliPath: config.temporal.cliPath,
  cacheDir: config.temporal.cliCacheDir,
  onProgress: (line) => console.error(line),
});
console.log(path);
