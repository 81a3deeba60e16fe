import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** Debian's chromium package: the tests never download a browser. */
const CHROMIUM_PATH = '/usr/bin/chromium';
const SCREENSHOT_DIR = join(process.cwd(), 'test-results', 'console');

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** The full page, or only `of` (a long page's one part that matters). */
  screenshot(name: string, of?: Locator): Promise<void>;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile, sized like a laptop screen. Fails loudly when chromium is missing. */
export async function launchBrowser(origin: string): Promise<TestBrowser> {
  try {
    await access(CHROMIUM_PATH);
  } catch {
    throw new Error(
      `The console end-to-end tests need Debian's chromium at ${CHROMIUM_PATH}. ` +
        'Install it with `apt-get update && apt-get install -y chromium` (.ci/run does this).',
    );
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'switchboard-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1440, height: 900 },
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    screenshot: async (name, of) => {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await (of ? of.screenshot({ path }) : page.screenshot({ path, fullPage: true }));
    },
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
