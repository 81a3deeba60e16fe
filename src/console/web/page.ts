import type { ConsoleConfig } from './api.js';

/** A page draws itself into main and may return a function that stops its timers when it is left. */
export type Page = (main: HTMLElement, config: ConsoleConfig, params: string[]) => Promise<(() => void) | void>;
