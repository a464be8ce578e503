import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { ConsoleMessage, Page } from 'playwright-core';
import { ARTIFACTS_DIR, CHROMIUM_PATH, hasChromium, launchChromium, type TestBrowser } from '../support/browser';
import { Subjects, type Page as ResultPage, type TaskView } from '@sched/contracts';
import { createTask, trigger, waitForEnd, waitForHistory } from '../support/executions';
import { startTestSystem, waitFor, type TestSystem } from '../support/system';
import { createWorkflow, shell, waitForRunEnd } from '../support/workflows';

const TOKEN = 'dashboard-token';
const TASK = 'browser demo';
const suite = hasChromium() ? describe : describe.skip;
if (!hasChromium()) console.warn(`dashboard browser test skipped: no chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);

/** The dashboard in a real browser: create a task in the UI, watch it fire and progress to success, pause it. */
suite('dashboard in chromium', () => {
  jest.setTimeout(60_000);
  let system: TestSystem;
  let browser: TestBrowser;
  let page: Page;
  const browserErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    system = await startTestSystem({ SCHED_API_TOKEN: TOKEN });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => browserErrors.push(error.message));
    // The 401s before the token is given are how the page learns that it needs one.
    // A run's steps are asked for once its execution has started, and its run begins a moment later (the workflow
    // app records it on that start): a 404 then is the page asking early; it reloads on the run's events.
    const earlyRunRequest = (message: ConsoleMessage) => message.text().includes('404') && message.location().url.includes('/api/workflows/');
    page.on('console', (message) => message.type() === 'error' && !message.text().includes('401') && !earlyRunRequest(message) && browserErrors.push(message.text()));
  });
  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('asks for the API token once, then shows the task table', async () => {
    await page.goto(system.httpUrl);
    const dialog = page.locator('#token-dialog');
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('input[name="token"]').fill(TOKEN);
    await dialog.locator('button[type="submit"]').click();
    await page.locator('#tasks-panel td.empty').waitFor();
    await page.locator('#live-status.on').waitFor();
    // (Browser code as text: the test is compiled without the DOM types.)
    expect(await page.evaluate(`sessionStorage.getItem('sched.apiToken')`)).toBe(TOKEN);
  });

  it('creates a task in the form, with cron help and a preview of its next fires', async () => {
    await page.getByRole('button', { name: 'New task' }).click();
    const form = page.locator('#task-form');
    await form.locator('input[name="name"]').fill(TASK);
    await form.locator('input[name="executor"]').fill('sleep');
    // The executor suggestions come from the gateway, each with its description.
    expect(await form.locator('#executor-types option[value="workflow"]').count()).toBe(1);
    expect(await form.locator('#executor-types option[value="sleep"]').textContent()).toMatch(/\w/);
    await form.locator('textarea[name="config"]').fill('{ "duration": "1500ms", "steps": 5 }');
    await form.getByRole('button', { name: '+ Cron' }).click();
    await form.locator('.cron-help').waitFor({ state: 'visible' });
    await form.getByRole('button', { name: '0 9 * * MON-FRI' }).click();
    await form.locator('#next-fires-preview li').first().waitFor();
    expect(await form.locator('#next-fires-preview li').count()).toBe(5);
    await shot('1-task-form-cron-preview');
    // Swap the cron schedule for a 3-second interval, so the test sees it fire. Its 1.5 s runs leave the task's last
    // execution succeeded for ~1.5 s of every 3 (with 2 s, ~0.45 s: the next TaskDue comes 50 ms ahead, and a page
    // refreshed under load missed that window five times running, once).
    await form.locator('.schedule-row').getByRole('button', { name: 'Remove' }).click();
    await form.getByRole('button', { name: '+ Interval' }).click();
    await form.locator('input[name="every"]').fill('3s');
    await form.locator('#next-fires-preview li').first().waitFor();
    await form.getByRole('button', { name: 'Create task' }).click();
    await page.locator('#task-dialog').waitFor({ state: 'hidden' });
    const row = page.locator('#tasks-panel tr', { hasText: TASK });
    await row.waitFor();
    // The seed's schedule status where the read model has it (pending until the first fire), else the task's state.
    expect(['pending', 'active']).toContain(await row.locator('.task-status .badge').textContent());
  });

  it('shows the task fire, its progress bar move, and the execution succeed', async () => {
    const running = page.locator('#executions-panel tr[data-status="running"]').first();
    await running.waitFor({ timeout: 15_000 });
    const barWidth = `parseFloat(document.querySelector('#executions-panel tr[data-status="running"] .progress > span')?.style.width ?? '0')`;
    await page.waitForFunction(`${barWidth} > 0`, undefined, { timeout: 10_000 });
    await shot('2-execution-progress');
    await page.locator('#executions-panel tr[data-status="succeeded"]').first().waitFor({ timeout: 15_000 });
    const row = page.locator('#tasks-panel tr', { hasText: TASK });
    await row.locator('.last-result .badge', { hasText: 'succeeded' }).waitFor({ timeout: 10_000 });
    await shot('3-execution-succeeded');
  });

  it('pauses the task with its button', async () => {
    const row = page.locator('#tasks-panel tr', { hasText: TASK });
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.locator('.task-status .badge', { hasText: 'paused' }).waitFor();
    await row.getByRole('button', { name: 'Resume' }).waitFor();
    await shot('4-task-paused');
  });

  it('opens the task page with its history and a verified audit chain', async () => {
    await page.locator('#tasks-panel a', { hasText: TASK }).click();
    await page.locator('#audit-result .badge', { hasText: 'ok' }).waitFor();
    await page.locator('#history li', { hasText: 'TaskPaused' }).waitFor();
    expect(await page.locator('#history li', { hasText: 'TaskSucceeded' }).count()).toBeGreaterThan(0);
    await shot('5-task-history-audit');
    expect(browserErrors).toEqual([]);
  });

  it('names the task of every recent execution: a deleted one, and a workflow step by its workflow', async () => {
    const gone = await createTask(system, { name: 'deleted since', executor: 'noop' });
    await waitForEnd(system.store, await trigger(system, gone));
    expect((await system.request(Subjects.cmd.taskDelete, { taskId: gone })).ok).toBe(true);
    const workflow = await createWorkflow(system, { steps: [{ id: 'only-step', executor: 'noop' }] });
    await waitForRunEnd(system.store, await trigger(system, workflow));
    await page.goto(`${system.httpUrl}/#/`);
    const panel = page.locator('#executions-panel');
    await panel.locator('a', { hasText: 'deleted since' }).waitFor({ timeout: 10_000 });
    const step = panel.locator('a', { hasText: /^workflow .* › only-step$/ });
    await step.waitFor({ timeout: 10_000 });
    expect(await step.getAttribute('href')).toBe(`#/tasks/${encodeURIComponent(workflow)}`);
    await shot('6-recent-executions-named');
    // The workflow's page names the step of each step event in its history.
    await step.click();
    await page.locator('#history li', { hasText: 'StepSucceeded only-step' }).waitFor({ timeout: 10_000 });
    expect(browserErrors).toEqual([]);
  });

  it('copies a task with the execution policy and schedule bounds the form does not show, and edits its max attempts alone', async () => {
    const policy = {
      retry: { maxAttempts: 4, backoff: 'fixed', initialInterval: '3s', nonRetryableErrorTypes: ['Bad'] },
      timeouts: { startToClose: '45s' },
      maxConcurrent: 3,
      overlap: 'buffer-one',
      misfire: { policy: 'skip', catchupWindow: '5m' },
      notify: { url: 'https://hooks.example.com/copied' },
      schedules: [{ type: 'interval', every: '1h', jitterMs: '5s', maxFires: 10, exclude: [{ type: 'dates', dates: ['2031-12-25'] }] }],
    };
    await createTask(system, { name: 'with policy', executor: 'noop', ...policy });
    await page.goto(`${system.httpUrl}/#/`);
    const form = page.locator('#task-form');
    await page.locator('#tasks-panel tr', { hasText: 'with policy' }).getByRole('button', { name: 'Copy' }).click();
    await form.getByRole('button', { name: 'Create task' }).click();
    const copyRow = page.locator('#tasks-panel tr', { hasText: 'with policy (copy)' });
    await copyRow.waitFor({ timeout: 10_000 });
    await copyRow.getByRole('button', { name: 'Edit' }).click();
    // The schedule row says what it keeps of the schedule beyond its own fields.
    expect(await form.locator('.kept-bounds').textContent()).toBe('Kept as set through the API: jitter up to 5s, at most 10 fires, not on 2031-12-25 in UTC');
    await form.locator('input[name="maxAttempts"]').fill('7');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('.toast', { hasText: 'Saved' }).waitFor();

    const listed = await system.request<ResultPage<TaskView>>(Subjects.query.taskList, { limit: 500, minPosition: await system.store.headPosition() });
    const copy = listed.ok ? listed.result.items.find((task) => task.name === 'with policy (copy)') : undefined;
    expect(copy).toMatchObject({
      retry: { maxAttempts: 7, backoff: 'fixed', initialIntervalMs: 3000, nonRetryableErrorTypes: ['Bad'] },
      timeouts: { startToCloseMs: 45_000 },
      maxConcurrent: 3,
      overlap: 'buffer-one',
      misfire: { policy: 'skip', catchupWindowMs: 300_000 },
      notify: { url: 'https://hooks.example.com/copied' },
      schedules: [{ type: 'interval', everyMs: 3_600_000, offsetMs: 0, jitterMs: 5000, maxFires: 10, exclude: [{ type: 'dates', dates: ['2031-12-25'], timezone: 'UTC' }] }],
    });
    expect(browserErrors).toEqual([]);
  });

  it("shows a task's definition on its page: schedules with their bounds, tags, config and the execution policy", async () => {
    const taskId = await createTask(system, {
      name: 'defined',
      executor: 'noop',
      config: { region: 'eu' },
      tags: ['etl', 'nightly'],
      schedules: [{ type: 'interval', every: '1h30m', startAt: '2031-01-01T00:00:00Z', maxFires: 5 }],
      retry: { maxAttempts: 5, initialInterval: '2s', maxInterval: '1m', nonRetryableErrorTypes: ['Bad'] },
      timeouts: { startToClose: '45s' },
      maxConcurrent: 2,
      overlap: 'skip',
    });
    await page.goto(`${system.httpUrl}/#/tasks/${encodeURIComponent(taskId)}`);
    const field = (name: string) => page.locator(`#definition-panel dd[data-field="${name}"]`).textContent();
    // Opened straight after the create, maybe before the read models have it: the gateway's get waits for them.
    await page.locator('#definition-panel').waitFor();
    expect(await field('schedules')).toMatch(/^every 1h30m \(from .*2031.*, at most 5 fires\)$/);
    expect(await field('tags')).toBe('etlnightly');
    expect(await field('retries')).toBe('4 retries, exponential from 2s, ×2 up to 1m; never retried: Bad');
    expect(await field('timeouts')).toBe('start to close 45s');
    expect(await field('concurrency')).toBe('at most 2 at once; beyond it: skip');
    expect(await field('missed fires')).toBe('fire-once within 1h (default)');
    expect(JSON.parse((await field('config')) ?? '')).toEqual({ region: 'eu' });
    await shot('7-task-definition');
    // A workflow's runs take none of the task-level policy: its page does not claim they are retried.
    const workflow = await createWorkflow(system, { steps: [{ id: 'only', executor: 'noop' }] });
    await page.goto(`${system.httpUrl}/#/tasks/${encodeURIComponent(workflow)}`);
    await page.locator('#definition-panel').waitFor();
    expect(await field('retries')).toBe('a run is never retried: each step has its own retry (resume a failed run)');
    expect(browserErrors).toEqual([]);
    // A task id that is nowhere says so where the task would be, instead of an empty header (the browser logs its 404s).
    await page.goto(`${system.httpUrl}/#/tasks/no-such-task`);
    expect(await page.locator('#task-error').textContent()).toBe('NOT_FOUND: Task no-such-task not found');
    expect(await page.locator('#audit-error').textContent()).toBe('NOT_FOUND: Task no-such-task not found');
  });

  it('says when an execution that failed is retried', async () => {
    browserErrors.length = 0; // the 404s of the unknown task the test before opened
    const taskId = await createTask(system, {
      name: 'fails then waits',
      executor: 'command',
      config: { argv: ['/bin/sh', '-c', 'exit 3'] },
      retry: { maxAttempts: 2, backoff: 'fixed', initialInterval: '10m', jitter: 0 },
    });
    await waitForHistory(system.store, await trigger(system, taskId), (events) => events.some((e) => e.type === 'TaskRetried'), 10_000, 'the retry');
    await page.goto(`${system.httpUrl}/#/tasks/${encodeURIComponent(taskId)}`);
    const status = page.locator('#executions-panel tr[data-status="due"] .execution-status');
    await status.locator('.retry-at').waitFor({ timeout: 10_000 });
    expect(await status.textContent()).toBe('dueafter CommandFailedattempt 2 in 10 min');
    await shot('8-execution-retried-later');
    expect(browserErrors).toEqual([]);
  });

  it("opens an execution's page from its row: the error in full, every attempt with its error and log lines", async () => {
    const taskId = await createTask(system, {
      name: 'noisy failure',
      executor: 'command',
      config: { argv: ['/bin/sh', '-c', 'echo first-line; echo oops >&2; exit 3'] },
      retry: { maxAttempts: 2, backoff: 'fixed', initialInterval: '100ms', jitter: 0 },
    });
    const executionId = await trigger(system, taskId);
    await waitForEnd(system.store, executionId);
    await page.goto(`${system.httpUrl}/#/tasks/${encodeURIComponent(taskId)}`);
    await page.locator(`#executions-panel tr[data-execution-id="${executionId}"] a.execution-link`).click({ timeout: 10_000 });
    const header = page.locator('#execution-header');
    await header.locator('h1 .badge', { hasText: 'failed' }).waitFor({ timeout: 10_000 });
    expect(page.url()).toBe(`${system.httpUrl}/#/executions/${executionId}`);
    expect(await page.locator('#execution-outcome pre').textContent()).toBe('CommandFailed: /bin/sh exited with code 3: oops');
    expect(await header.locator('dd[data-field="attempt"]').textContent()).toBe('2');
    const attempts = page.locator('#attempts-panel li');
    expect(await attempts.count()).toBe(2);
    for (let i = 0; i < 2; i += 1) {
      expect(await attempts.nth(i).locator('.badge').textContent()).toBe('failed');
      expect(await attempts.nth(i).locator('pre.logs').textContent()).toContain('stdout: first-line');
    }
    await page.locator('#history li', { hasText: 'TaskRetried' }).waitFor();
    await shot('10-execution-page');
    expect(browserErrors).toEqual([]);
  });

  it("says on a due execution's page that it waits for a free slot of its task, and Cancel ends it", async () => {
    const taskId = await createTask(system, { name: 'one at a time', executor: 'sleep', config: { duration: '30s', steps: 30 }, maxConcurrent: 1 });
    const first = await trigger(system, taskId);
    await waitForHistory(system.store, first, (events) => events.some((e) => e.type === 'TaskStarted'), 10_000, 'the first start');
    const second = await trigger(system, taskId);
    await page.goto(`${system.httpUrl}/#/executions/${encodeURIComponent(second)}`);
    const waiting = page.locator('#execution-header dd[data-field="waiting"]');
    await waiting.waitFor({ timeout: 10_000 });
    expect(await waiting.textContent()).toBe('for a free slot: 1 of at most 1 running (overlap queue)');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('#execution-header h1 .badge', { hasText: 'cancelled' }).waitFor({ timeout: 10_000 });
    expect(await waiting.count()).toBe(0);
    expect((await system.request(Subjects.cmd.executionCancel, { executionId: first })).ok).toBe(true);
    await waitForEnd(system.store, first);
    expect(browserErrors).toEqual([]);
  });

  it("deletes a task from its page and, asked, cancels what it had running and queued", async () => {
    const taskId = await createTask(system, { name: 'retired', executor: 'sleep', config: { duration: '30s', steps: 30 }, maxConcurrent: 1 });
    const running = await trigger(system, taskId);
    await waitForHistory(system.store, running, (events) => events.some((e) => e.type === 'TaskStarted'), 10_000, 'the first start');
    const queued = await trigger(system, taskId);
    await waitForHistory(system.store, queued, (events) => events.length > 0, 10_000, 'the second due');
    await page.goto(`${system.httpUrl}/#/tasks/${encodeURIComponent(taskId)}`);
    const asked: string[] = [];
    const answer = (dialog: import('playwright-core').Dialog) => void (asked.push(dialog.message()), dialog.accept());
    page.on('dialog', answer);
    try {
      await page.getByRole('button', { name: 'Delete' }).click({ timeout: 10_000 });
      for (const executionId of [running, queued]) expect((await waitForEnd(system.store, executionId)).at(-1)?.type).toBe('TaskCancelled');
      // The page goes back to the task list once the delete's reply is in, which may come after the cancels: the next
      // test's navigation must not be overtaken by it.
      await page.waitForFunction(`location.hash === '#/'`, undefined, { timeout: 10_000 });
    } finally {
      page.off('dialog', answer);
    }
    expect(asked).toEqual(['Delete “retired”? Its history stays in the event log.', '“retired” has 2 execution(s) not over yet (due, running or paused). Cancel them too? (Cancel lets them go on.)']);
    expect(browserErrors).toEqual([]);
  });

  it("links a failed execution to its failure notice, and the notice back to it", async () => {
    const taskId = await createTask(system, { name: 'announced', executor: 'command', config: { argv: ['/bin/false'] }, maxRetries: 0, notify: { url: `${system.httpUrl}/api/health` } });
    const executionId = await trigger(system, taskId);
    await waitForEnd(system.store, `${executionId}:notify`);
    // The page shows the read model: wait for it to hold the failure (on a loaded machine it lagged the log here).
    await system.request(Subjects.query.executionGet, { executionId, minPosition: await system.store.headPosition() });
    await page.goto(`${system.httpUrl}/#/executions/${encodeURIComponent(executionId)}`);
    const notice = page.locator('#execution-header dd[data-field="notice"] a');
    await notice.waitFor({ timeout: 10_000 }).catch(async (error: Error) => {
      // What the page showed, and what the API says, to tell a rendering race from a read model that lacks it.
      const header = await page.locator('#execution-header').textContent().catch(() => '(no header)');
      const apiExecution = await system.request(Subjects.query.executionGet, { executionId });
      const apiTask = await system.request(Subjects.query.taskGet, { taskId });
      throw new Error(`${error.message}\nheader: ${header}\nexecution: ${JSON.stringify(apiExecution).slice(0, 600)}\ntask: ${JSON.stringify(apiTask).slice(0, 600)}\nbrowser errors: ${browserErrors.join(' | ')}`);
    });
    await notice.click();
    await page.locator('#execution-header h1', { hasText: 'announced › notify' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#execution-header dd[data-field="notice of"]').textContent()).toBe(executionId);
    expect(await page.locator('#execution-header dd[data-field="reason"]').textContent()).toBe('notification');
    expect(browserErrors).toEqual([]);
  });

  it("shows a workflow run's steps on its page, each linked to its execution; resumes a failed run", async () => {
    const workflow = await createWorkflow(system, {
      onFailure: 'continue',
      steps: [{ id: 'good', executor: 'manual', config: { result: { rows: 7 } } }, { id: 'bad', ...shell('exit 5') }, { id: 'after-bad', executor: 'noop', dependsOn: ['bad'] }],
    });
    const runId = await trigger(system, workflow);
    await waitForEnd(system.store, runId);
    await page.goto(`${system.httpUrl}/#/executions/${encodeURIComponent(runId)}`);
    const step = (id: string) => page.locator(`#steps-panel tr[data-step-id="${id}"]`);
    await step('good').waitFor({ timeout: 10_000 });
    expect(await step('good').getAttribute('data-status')).toBe('succeeded');
    expect(await step('good').locator('.step-outcome').textContent()).toBe('{"rows":7}');
    expect(await step('bad').getAttribute('data-status')).toBe('failed');
    expect(await step('bad').locator('.step-outcome').textContent()).toBe('CommandFailed: sh exited with code 5');
    expect(await step('after-bad').locator('.step-status').textContent()).toBe('skippedupstream failed');
    await shot('11-workflow-run-page');

    await step('bad').locator('a').click();
    const runLink = page.locator('#execution-header dd[data-field="step of run"] a');
    await runLink.waitFor({ timeout: 10_000 });
    expect(await page.locator('#execution-header h1').textContent()).toMatch(/› bad failed$/);
    await runLink.click();
    await page.getByRole('button', { name: 'Resume run' }).click({ timeout: 10_000 });
    await page.waitForFunction(`location.hash.startsWith('#/executions/') && location.hash !== '#/executions/${runId}'`, undefined, { timeout: 10_000 });
    await page.locator('#steps-panel', { hasText: 'Resumed from' }).waitFor({ timeout: 10_000 });
    await step('bad').locator('.badge', { hasText: 'failed' }).waitFor({ timeout: 10_000 });
    expect(await step('good').locator('.step-status').textContent()).toBe('succeededreused from the earlier run');
    // The earlier run links to the one that resumed it.
    const resumedAs = decodeURIComponent(new URL(page.url()).hash.slice('#/executions/'.length));
    await page.goto(`${system.httpUrl}/#/executions/${encodeURIComponent(runId)}`);
    await page.locator('#steps-panel p', { hasText: `Resumed as ${resumedAs}` }).waitFor({ timeout: 10_000 });
    expect(browserErrors).toEqual([]);
  });

  it("triggers a run with its own config from the task's page, then shows that run", async () => {
    const taskId = await createTask(system, { name: 'greets someone', executor: 'manual', config: { result: { greeting: 'hello', who: 'world' } } });
    await page.goto(`${system.httpUrl}/#/tasks/${encodeURIComponent(taskId)}`);
    await page.getByRole('button', { name: 'Trigger with config…' }).click({ timeout: 10_000 });
    const form = page.locator('#task-form');
    // A patch the executor's schema refuses: the server's error, in the form, and nothing runs.
    await form.locator('textarea[name="configPatch"]').fill('{ "result": null, "resutl": 1 }');
    await form.getByRole('button', { name: 'Trigger' }).click();
    await form.locator('.form-error', { hasText: 'resutl' }).waitFor({ timeout: 10_000 });
    browserErrors.length = 0; // the refusal's 422, logged by the browser
    await form.locator('textarea[name="configPatch"]').fill('{ "result": { "who": "browser" } }');
    await form.getByRole('button', { name: 'Trigger' }).click();
    await page.locator('#task-dialog').waitFor({ state: 'hidden' });
    await page.locator('#execution-header h1 .badge', { hasText: 'succeeded' }).waitFor({ timeout: 10_000 });
    expect(JSON.parse((await page.locator('#execution-outcome pre').textContent()) ?? '')).toEqual({ greeting: 'hello', who: 'browser' });
    await page.locator('#execution-config summary').click();
    expect(JSON.parse((await page.locator('#execution-config pre').textContent()) ?? '')).toEqual({ result: { greeting: 'hello', who: 'browser' } });
    await shot('12-triggered-with-config');
    expect(browserErrors).toEqual([]);
  });

  it("shows each task's tags in the table; a tag shows only the tasks that have it", async () => {
    await createTask(system, { name: 'tagged both', executor: 'noop', tags: ['team-a', 'hourly'] });
    await createTask(system, { name: 'tagged one', executor: 'noop', tags: ['team-a'] });
    await page.goto(`${system.httpUrl}/#/`);
    const rows = page.locator('#tasks-panel tr[data-task-id]');
    const row = page.locator('#tasks-panel tr', { hasText: 'tagged both' });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.locator('.task-tags .tag').allTextContents()).toEqual(['team-a', 'hourly']);
    await row.getByRole('button', { name: 'hourly' }).click();
    await page.waitForFunction(`document.querySelectorAll('#tasks-panel tr[data-task-id]').length === 1`, undefined, { timeout: 10_000 });
    expect(await rows.first().textContent()).toContain('tagged both');
    expect(await page.locator('#tag-filter').textContent()).toBe('tagged hourly✕ all tags');
    await shot('9-tasks-by-tag');
    await page.getByRole('button', { name: '✕ all tags' }).click();
    await page.locator('#tasks-panel tr', { hasText: 'tagged one' }).waitFor({ timeout: 10_000 });
    expect(await rows.count()).toBeGreaterThan(2);
  });

  it('finds tasks as a search is typed: by name, id or description', async () => {
    await createTask(system, { name: 'Quarterly Audit Export', executor: 'noop', description: 'for the auditors' });
    await page.goto(`${system.httpUrl}/#/`);
    const rows = page.locator('#tasks-panel tr[data-task-id]');
    await page.locator('#tasks-panel tr', { hasText: 'tagged one' }).waitFor({ timeout: 10_000 });
    await page.locator('#task-search').pressSequentially('AUDIT exp', { delay: 20 });
    await page.waitForFunction(`document.querySelectorAll('#tasks-panel tr[data-task-id]').length === 1`, undefined, { timeout: 10_000 });
    expect(await rows.first().textContent()).toContain('Quarterly Audit Export');
    await page.locator('#task-search').fill('no task is called this');
    await page.locator('#tasks-panel td.empty', { hasText: 'No task matches the filter.' }).waitFor({ timeout: 10_000 });
    await page.locator('#task-search').fill('');
    await page.locator('#tasks-panel tr', { hasText: 'tagged one' }).waitFor({ timeout: 10_000 });
    expect(browserErrors).toEqual([]);
  });

  it('shows only the tasks with a schedule status chosen in the filter (the failing ones)', async () => {
    await page.goto(`${system.httpUrl}/#/`);
    const rows = page.locator('#tasks-panel tr[data-task-id]');
    await page.locator('#tasks-panel tr', { hasText: 'noisy failure' }).waitFor({ timeout: 10_000 });
    const before = await rows.count();
    await page.locator('#status-filter').selectOption('failed');
    await page.waitForFunction(`document.querySelectorAll('#tasks-panel tr[data-task-id]').length < ${before}`, undefined, { timeout: 10_000 });
    const statuses = await rows.locator('.task-status .badge').allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['failed']));
    expect(await page.locator('#tasks-panel tr', { hasText: 'noisy failure' }).count()).toBe(1);
    await page.locator('#status-filter').selectOption('');
    await page.waitForFunction(`document.querySelectorAll('#tasks-panel tr[data-task-id]').length === ${before}`, undefined, { timeout: 10_000 });
  });

  it('shows more tasks than one page holds, page by page', async () => {
    for (let i = 0; i < 200; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => createTask(system, { name: `bulk ${i + j}`, executor: 'noop' })));
    }
    const listed = await system.request<ResultPage<TaskView>>(Subjects.query.taskList, { limit: 500, minPosition: await system.store.headPosition() });
    const total = listed.ok ? listed.result.items.length : 0;
    expect(total).toBeGreaterThan(200);
    await page.goto(`${system.httpUrl}/#/`);
    const rows = page.locator('#tasks-panel tr[data-task-id]');
    await page.getByRole('button', { name: 'Show 200 more' }).click({ timeout: 10_000 });
    await page.waitForFunction(`document.querySelectorAll('#tasks-panel tr[data-task-id]').length === ${total}`, undefined, { timeout: 10_000 });
    expect(await rows.count()).toBe(total);
    expect(await page.getByRole('button', { name: 'Show 200 more' }).count()).toBe(0);
  });

  it("shows a task's latest 2,000 events first and older ones on demand, saying how many it shows (it stopped at the first 2,000 in silence)", async () => {
    // Every minute, but not from now on (an excluded day): the history is the backfill's alone, no live fire joins it.
    const quiet = { type: 'window', from: new Date().toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };
    const taskId = await createTask(system, { name: 'long history', executor: 'noop', schedules: [{ type: 'interval', every: '1m', exclude: [quiet] }] });
    const hour = 3_600_000;
    const to = new Date(Math.floor(Date.now() / hour) * hour - hour).toISOString();
    const from = new Date(Date.parse(to) - 12 * hour).toISOString(); // 720 executions: ~2,160 events
    expect(await system.request(Subjects.cmd.taskBackfill, { taskId, from, to })).toMatchObject({ ok: true, result: { occurrences: 720 } });
    const stats = async () => {
      const reply = await system.request<{ finished: number }>(Subjects.query.stats, { taskId, minPosition: await system.store.headPosition() });
      return reply.ok && reply.result.finished === 720;
    };
    await waitFor(stats, 30_000, 'the 720 backfilled executions to end');
    let total = 0;
    for (let after: number | undefined; ; ) {
      const reply = await system.request<{ events: unknown[]; nextCursor?: number }>(Subjects.query.history, { taskId, afterPosition: after, limit: 1000 });
      total += reply.ok ? reply.result.events.length : 0;
      if (!reply.ok || reply.result.nextCursor === undefined) break;
      after = reply.result.nextCursor;
    }
    expect(total).toBeGreaterThan(2_000);
    await page.goto(`${system.httpUrl}/#/tasks/${encodeURIComponent(taskId)}`);
    const more = page.locator('#history-more');
    await more.getByText('2000 events shown').waitFor({ timeout: 10_000 });
    // Newest first from the start: the top entry is the last execution's end, at a time that names its zone (the
    // browser's, Tokyo); the task's creation is not among the latest 2,000.
    expect(await page.locator('#history li').first().textContent()).toMatch(/GMT\+9.*TaskSucceeded/);
    expect(await page.locator('#history li', { hasText: 'TaskCreated' }).count()).toBe(0);
    await more.getByRole('button', { name: 'Load older' }).click();
    await more.waitFor({ state: 'detached', timeout: 10_000 });
    expect(await page.locator('#history li').count()).toBe(total);
    expect(await page.locator('#history li').last().textContent()).toMatch(/TaskCreated/);
  });
  it('offers the audit of a task with over a thousand executions on demand (every page view read all their streams)', async () => {
    const quiet = { type: 'window', from: new Date().toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };
    const taskId = await createTask(system, { name: 'many runs', executor: 'noop', schedules: [{ type: 'interval', every: '1m', exclude: [quiet] }] });
    // Paused: each backfilled occurrence is recorded as due and skipped, an execution that costs no run.
    expect(await system.request(Subjects.cmd.taskPause, { taskId })).toMatchObject({ ok: true });
    const to = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000).toISOString();
    const from = new Date(Date.parse(to) - 1_040 * 60_000).toISOString();
    expect(await system.request(Subjects.cmd.taskBackfill, { taskId, from, to })).toMatchObject({ ok: true, result: { occurrences: 1_040 } });
    await waitFor(async () => {
      const reply = await system.request<TaskView>(Subjects.query.taskGet, { taskId, minPosition: await system.store.headPosition() });
      return reply.ok && reply.result.counts.total === 1_040;
    }, 30_000, 'the 1,040 backfilled executions');
    await page.goto(`${system.httpUrl}/#/tasks/${encodeURIComponent(taskId)}`);
    await page.locator('#audit-panel').getByText('1040 executions').waitFor({ timeout: 10_000 });
    expect(await page.locator('#audit-result').count()).toBe(0); // not run by itself
    await page.locator('#audit-verify').click();
    await page.locator('#audit-result').getByText(/hash chains intact: \d+ events in 1041 streams/).waitFor({ timeout: 30_000 });
  });
});
