// The `colt` CLI's user task verbs as their own processes against a live server: a task for a
// group is claimed, commented on, saved, released, claimed by someone else and completed, and the
// WfRun goes on with the results; a claim on a task someone else holds is refused in one line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workflow } from '../../src/builder/index.ts';
import { runCli, type CliResult } from '../support/cli.ts';
import { eventually } from '../support/processes.ts';
import { startHttpTestServer } from '../support/server.ts';

const server = startHttpTestServer('cli-user-tasks');
const dir = mkdtempSync(join(tmpdir(), 'colt-cli-ut-'));

const colt = (...args: string[]) => runCli(['--api', server.url, ...args]);

function ok(result: CliResult) {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return result.json();
}

function writeJson(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

const review = new Workflow('cli-review', (wf) => {
  const verdict = wf.declareJsonObj('verdict');
  verdict.assign(wf.assignUserTask('review-doc', { userGroup: 'editors' }));
  wf.complete(verdict.jsonPath('$.verdict'));
});

describe('colt user task verbs', { timeout: 120_000 }, () => {
  it('claim, comment, save, release, claim again, complete: the run ends with the results', async () => {
    ok(await colt('deploy', 'userTaskDef', writeJson('def.json', { name: 'review-doc', fields: [{ name: 'verdict', type: 'STR', required: true }] })));
    ok(await colt('deploy', 'wfSpec', writeJson('spec.json', review.compile())));
    ok(await colt('run', 'cli-review', '--id', 'review-1'));
    const [task] = await eventually(async () => {
      const listed = ok(await colt('list', 'userTaskRun', 'review-1'));
      return listed.results.length > 0 ? listed.results : undefined;
    }, 15_000, 'the user task');
    const ids = ['userTaskRun', 'review-1', task.id.userTaskGuid];
    expect(task).toMatchObject({ status: 'UNASSIGNED', userGroup: 'editors' });

    expect(ok(await colt('claim', ...ids, '--userId', 'ann'))).toMatchObject({ status: 'ASSIGNED', userId: 'ann' });
    const refused = await colt('claim', ...ids, '--userId', 'bob');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: FAILED_PRECONDITION \(412\): .+\n$/);

    expect(ok(await colt('comment', ...ids, '--userId', 'ann', 'looks fine so far'))).toMatchObject({
      events: expect.arrayContaining([expect.objectContaining({ commentAdded: { userCommentId: expect.any(Number), userId: 'ann', comment: 'looks fine so far' } })]),
    });
    expect(ok(await colt('save', ...ids, '--userId', 'ann', 'verdict=draft'))).toMatchObject({ results: { verdict: { str: 'draft' } } });
    expect(ok(await colt('release', ...ids, '--userId', 'ann'))).toMatchObject({ status: 'UNASSIGNED', userGroup: 'editors' });
    ok(await colt('claim', ...ids, '--userId', 'bob'));
    ok(await colt('complete', ...ids, '--userId', 'bob', 'verdict=publish'));

    const wfRun = await eventually(async () => {
      const run = ok(await colt('get', 'wfRun', 'review-1'));
      return run.status === 'RUNNING' ? undefined : run;
    }, 15_000, 'the WfRun to end');
    expect(wfRun).toMatchObject({ status: 'COMPLETED', threadRuns: [{ output: { str: 'publish' } }] });
    expect(ok(await colt('get', 'userTaskRun', 'review-1', task.id.userTaskGuid))).toMatchObject({ status: 'DONE', userId: 'bob' });
  });
});
