// Every workflow type the worker registers. One file per workflow family.
export { executeAction } from './executeAction.js';
export { oauthHandshake } from './oauthHandshake.js';
export { credentialRefresher } from './credentialRefresher.js';
export { executePlan } from './executePlan.js';
export { retentionSweep } from './retentionSweep.js';
