// The `colt` CLI as its own process against a live Colt server: deploy, run, get, search, list,
// stop, resume, rescue, postEvent, delete, and the one-line errors (code, status, message; exit 1).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workflow } from '../../src/builder/index.ts';
import { runCli, type CliResult } from '../support/cli.ts';
import { eventually, freePort } from '../support/processes.ts';
import { startHttpTestServer } from '../support/server.ts';

const server = startHttpTestServer('cli');
const dir = mkdtempSync(join(tmpdir(), 'colt-cli-'));

const colt = (...args: string[]) => runCli(['--api', server.url, ...args]);

function expectOk(result: CliResult): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
}

/** A refusal: exit code 1, one line on stderr with the server's code and status, no stack trace. */
function expectRefusal(result: CliResult, code: string, status: number): void {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(new RegExp(`^error: ${code} \\(${status}\\): .+\\n$`));
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

function writeJson(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

// Waits for a payment event, then charges: a run parks on the event (RUNNING) until one is posted;
// with no charge worker it then parks on the task.
const payment = new Workflow('cli-payment', (wf) => {
  const order = wf.declareStr('order-id').required().searchable();
  const amount = wf.declareDouble('amount');
  const express = wf.declareBool('express');
  const paid = wf.declareJsonObj('paid');
  paid.assign(wf.waitForEvent('payment-received'));
  wf.execute('cli-charge', order, amount, express);
});

describe('colt CLI against a live server', { timeout: 120_000 }, () => {
  it('deploys a TaskDef, an ExternalEventDef and a WfSpec from files; a second identical deploy changes nothing', async () => {
    const taskDef = writeJson('task-def.json', {
      name: 'cli-charge',
      inputVars: [
        { name: 'order', typeDef: { primitiveType: 'STR' } },
        { name: 'amount', typeDef: { primitiveType: 'DOUBLE' } },
        { name: 'express', typeDef: { primitiveType: 'BOOL' } },
      ],
    });
    const deployed = await colt('deploy', 'taskDef', taskDef);
    expectOk(deployed);
    expect(deployed.json().id).toEqual({ name: 'cli-charge' });

    expectOk(await colt('deploy', 'externalEventDef', writeJson('event-def.json', { name: 'payment-received' })));
    const spec = writeJson('wf-spec.json', payment.compile());
    const first = await colt('deploy', 'wfSpec', spec);
    expectOk(first);
    expect(first.json().id).toEqual({ name: 'cli-payment', majorVersion: 0, revision: 0 });
    expect((await colt('deploy', 'wfSpec', spec)).json().id).toEqual({ name: 'cli-payment', majorVersion: 0, revision: 0 });

    const got = await colt('get', 'taskDef', 'cli-charge');
    expect(got.json().inputVars.map((v: { name: string }) => v.name)).toEqual(['order', 'amount', 'express']);
  });

  it('runs a WfRun with var=value typed by the WfSpec, then gets, searches and lists it', async () => {
    const run = await colt('run', 'cli-payment', '--id', 'cli-run-1', 'order-id=12345', 'amount=25.5', 'express=true');
    expectOk(run);
    expect(run.json()).toMatchObject({ id: 'cli-run-1', status: 'RUNNING' });

    const nodeRun = await colt('get', 'nodeRun', 'cli-run-1', '0', '1');
    expect(nodeRun.json()).toMatchObject({ status: 'RUNNING', nodeName: expect.stringContaining('EXTERNAL_EVENT') });

    const found = await colt('search', 'wfRun', 'wfSpecName=cli-payment', 'status=RUNNING');
    expect(found.json().results).toContainEqual({ id: 'cli-run-1' });

    const table = await colt('--output', 'table', 'search', 'wfRun', 'wfSpecName=cli-payment');
    expect(table.stdout.split('\n')[0]).toBe('id');
    expect(table.stdout).toContain('cli-run-1');
  });

  it('gets a variable, searches TaskDefs, and refuses user-task verbs on a run that does not exist', async () => {
    const variable = await colt('get', 'variable', 'cli-run-1', '0', 'amount');
    expectOk(variable);
    expect(variable.json()).toMatchObject({ value: { double: 25.5 } });

    const taskDefs = await colt('search', 'taskDef');
    expectOk(taskDefs);
    expect(JSON.stringify(taskDefs.json())).toContain('cli-charge');

    expectRefusal(await colt('assign', 'userTaskRun', 'no-such-run', 'some-guid', '--userId', 'ann'), 'NOT_FOUND', 404);
  });

  it('stops and resumes a WfRun', async () => {
    expectOk(await colt('stop', 'cli-run-1'));
    const halted = await eventually(async () => {
      const run = (await colt('get', 'wfRun', 'cli-run-1')).json();
      return run.status === 'HALTED' ? run : undefined;
    }, 15_000, 'the WfRun to halt');
    expect(halted.status).toBe('HALTED');

    expectOk(await colt('resume', 'cli-run-1'));
    expect((await colt('get', 'wfRun', 'cli-run-1')).json().status).toBe('RUNNING');
  });

  it('posts an event with a typed payload; the run moves on to its task', async () => {
    const posted = await colt('postEvent', 'cli-run-1', 'payment-received', 'JSON_OBJ', '{"amount": 25.5}', '--guid', 'pay-1');
    expectOk(posted);
    expect(posted.json()).toMatchObject({ content: { jsonObj: { amount: 25.5 } } });

    const listed = await colt('list', 'externalEvent', 'cli-run-1');
    expectOk(listed);
    expect(JSON.stringify(listed.json())).toContain('pay-1');

    const taskNode = await eventually(async () => {
      const r = await colt('get', 'nodeRun', 'cli-run-1', '0', '2');
      return r.code === 0 ? r.json() : undefined;
    }, 15_000, 'the TASK node run');
    expect(taskNode.nodeName).toContain('TASK');
    const taskRun = await colt('get', 'taskRun', 'cli-run-1', taskNode.task.taskRunId.taskGuid);
    expect(taskRun.json().inputVariables.map(({ varName, value }: { varName: string; value: unknown }) => ({ varName, value }))).toEqual([
      { varName: 'order', value: { str: '12345' } },
      { varName: 'amount', value: { double: 25.5 } },
      { varName: 'express', value: { bool: true } },
    ]);
  });

  it('refuses rescue of a run that is not in ERROR with the server\'s FAILED_PRECONDITION', async () => {
    expectRefusal(await colt('rescue', 'cli-run-1', '0', '--skip'), 'FAILED_PRECONDITION', 412);
  });

  it('deletes an ended WfRun; getting it then is NOT_FOUND, printed as one line with exit code 1', async () => {
    expectOk(await colt('deploy', 'wfSpec', writeJson('done-spec.json', new Workflow('cli-done', (wf) => wf.complete('done')).compile())));
    const run = await colt('run', 'cli-done', '--id', 'cli-run-2', '--wait');
    expect(run.json()).toMatchObject({ id: 'cli-run-2', status: 'COMPLETED', threadRuns: [{ output: { str: 'done' } }] });
    expectOk(await colt('delete', 'wfRun', 'cli-run-2'));
    expectRefusal(await colt('get', 'wfRun', 'cli-run-2'), 'NOT_FOUND', 404);
  });

  it('prints a refused request as one line: a bad variable value, a missing file, wrong ids', async () => {
    expectRefusal(await colt('run', 'no-such-spec', 'x=1'), 'NOT_FOUND', 404);
    expectRefusal(await colt('run', 'cli-payment', 'amount=25'), 'INVALID_ARGUMENT', 400); // order-id is required

    const badNumber = await colt('run', 'cli-payment', 'order-id=1', 'amount=lots');
    expect(badNumber.code).toBe(1);
    expect(badNumber.stderr).toBe("error: amount: expected a number, got 'lots'\n");

    const missingFile = await colt('deploy', 'wfSpec', join(dir, 'nope.json'));
    expect(missingFile.code).toBe(1);
    expect(missingFile.stderr).toMatch(/^error: cannot read .*nope\.json: ENOENT\n$/);

    const unknownObject = await colt('get', 'wfRunz', 'x');
    expect(unknownObject.code).toBe(1);
    expect(unknownObject.stderr).toMatch(/^error: command-argument value 'wfRunz' is invalid for argument 'object'\. Allowed choices are wfRun, .*\n$/);

    const wrongIds = await colt('get', 'nodeRun', 'only-a-run-id');
    expect(wrongIds.code).toBe(1);
    expect(wrongIds.stderr).toBe('error: get nodeRun takes <wfRunId> <threadRunNumber> <position>\n');
  });

  it('prints routes the server does not have (yet) as their HTTP error, not a crash', async () => {
    const result = await colt('get', 'scheduledWfRun', 'nightly');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: [A-Z_0-9]+ \((?:4\d\d|50\d)\): .+\n$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('schedules a WfSpec, with typed inputs, as children of a parent run', async () => {
    await new Workflow('cli-ledger', (wf) => void wf.declareInt('entries').withDefault(0).asPublic()).register(server.url);
    await new Workflow('cli-entry', (wf) => {
      wf.declareInt('entries').asInherited().add(wf.declareInt('by').required());
    }).withParentWfSpec('cli-ledger').register(server.url);
    expectOk(await colt('run', 'cli-ledger', '--id', 'books'));
    const scheduled = await colt('schedule', '0 3 * * *', 'cli-entry', 'by=2', '--id', 'nightly-entry', '--parentWfRunId', 'books');
    expectOk(scheduled);
    expect(scheduled.json()).toMatchObject({ id: { id: 'nightly-entry' }, variables: { by: 2 }, parentWfRunId: 'books', cronExpression: '0 3 * * *' });
    expectRefusal(await colt('schedule', '0 3 * * *', 'cli-entry', 'by=2', '--parentWfRunId', 'no-such-run'), 'FAILED_PRECONDITION', 412);
  });

  it('takes the server and output format from a config file', async () => {
    const config = writeJson('config.json', { apiUrl: server.url, tenant: 'default', output: 'table' });
    const result = await runCli(['--config', config, 'get', 'taskDef', 'cli-charge']);
    expectOk(result);
    expect(result.stdout).toMatch(/^field\s+value\n/);
    expect(result.stdout).toMatch(/\nid\s+\{"name":"cli-charge"\}\n/);
  });

  it('says when the server cannot be reached', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(['get', 'wfRun', 'x'], { COLT_API_URL: nobody });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: cannot reach Colt at ${nobody}: ECONNREFUSED\n`);
  });
});
