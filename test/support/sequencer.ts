import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each slow file of `npm test` took in one measured run, its hooks included (the per-file
 * figure of vitest's default reporter; docs/testing.md). Vitest orders a run it has no results cached for (a fresh
 * clone, CI) by file size, which put small, long files (backlog, shutdown, throttle) last, each
 * alone on a worker at the end. Longest first, the workers finish together.
 */
const measuredSeconds: Record<string, number> = {
  'test/integration/first-run.test.ts': 88,
  'test/integration/backlog.test.ts': 51,
  'test/e2e/console-servers-runs.test.ts': 48,
  'test/e2e/console-approvals.test.ts': 47,
  'test/integration/approvals.test.ts': 46,
  'test/integration/tools-mode-crash.test.ts': 34,
  'test/integration/tools-mode-caller-requests-processes.test.ts': 33,
  'test/e2e/console-credentials.test.ts': 31,
  'test/integration/fast-path.test.ts': 31,
  'test/integration/database.test.ts': 29,
  'test/integration/durable-waiting.test.ts': 28,
  'test/integration/mcp-stream-resumption.test.ts': 28,
  'test/e2e/console-hosted.test.ts': 27,
  'test/integration/hosted-npx.test.ts': 22,
  'test/integration/mcp-tasks-extension.test.ts': 22,
  'test/integration/shutdown.test.ts': 22,
  'test/integration/mcp-tasks.test.ts': 21,
  'test/integration/hosted-stdio.test.ts': 20,
  'test/integration/throttle.test.ts': 20,
  'test/e2e/console-first-hour.test.ts': 19,
  'test/integration/oauth-credentials.test.ts': 19,
  'test/integration/remote-mcp-oauth.test.ts': 18,
  'test/integration/execute-action.test.ts': 17,
  'test/integration/docs.test.ts': 16,
  'test/integration/admission.test.ts': 15,
  'test/integration/call-failures.test.ts': 14,
  'test/integration/connector-rows-cache.test.ts': 14,
  'test/integration/mcp-front-door.test.ts': 13,
  'test/integration/plans-runs.test.ts': 13,
  'test/workflows/connectorCall.test.ts': 13,
  'test/integration/plugins.test.ts': 12,
  'test/e2e/console-audit.test.ts': 11,
  'test/e2e/console-registry.test.ts': 11,
  'test/integration/fair-execution.test.ts': 11,
  'test/integration/mcp-clients.test.ts': 11,
  'test/integration/metrics.test.ts': 11,
  'test/integration/tools-mode-caller-requests.test.ts': 11,
  'test/integration/admin-mcp-tools.test.ts': 10,
  'test/integration/remote-mcp.test.ts': 10,
};

/**
 * Vitest's own order where it has results cached (longest first, failed first); otherwise, within
 * each group, a project's files one after another (a worker process serves one project), the
 * project with the most measured seconds first, and its files longest first, then largest first.
 */
export default class MeasuredSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const cached = files.every((file) => this.ctx.cache.getFileTestResults(`${file.project.name}:${relative(root, file.moduleId)}`));
    if (cached) return super.sort(files);
    const seconds = (file: TestSpecification) => measuredSeconds[relative(root, file.moduleId)] ?? 0;
    const projectSeconds = new Map<string, number>();
    for (const file of files) projectSeconds.set(file.project.name, (projectSeconds.get(file.project.name) ?? 0) + seconds(file));
    const size = (file: TestSpecification) => statSync(file.moduleId).size;
    return [...files].sort(
      (a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder ||
        projectSeconds.get(b.project.name)! - projectSeconds.get(a.project.name)! ||
        a.project.name.localeCompare(b.project.name) ||
        seconds(b) - seconds(a) ||
        size(b) - size(a),
    );
  }
}
