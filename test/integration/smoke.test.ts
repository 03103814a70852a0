import request from 'supertest';
import { afterAll, expect, it } from 'vitest';
import { littlehorseFixture } from '../support/specs.ts';
import { startTestServer } from '../support/server.ts';

const server = startTestServer('smoke');
afterAll(() => server.close());

it('deploys and runs example-basic', async () => {
  const td = await request(server.app).post('/taskDef').send({ name: 'greet', inputVars: [{ name: 'name', type: 'STR' }] });
  expect(td.status, JSON.stringify(td.body)).toBe(200);
  const spec = await request(server.app).post('/wfSpec').send(littlehorseFixture('example-basic-wfspec.json'));
  expect(spec.status, JSON.stringify(spec.body)).toBe(200);
  const run = await request(server.app).post('/wfRun').send({ wfSpecName: 'example-basic', variables: { 'input-name': 'Obi' } });
  expect(run.status, JSON.stringify(run.body)).toBe(200);
  const poll = await request(server.app).post('/pollTask').send({ taskDefId: { name: 'greet' }, clientId: 'w1' });
  expect(poll.status, JSON.stringify(poll.body)).toBe(200);
  console.log(JSON.stringify(poll.body));
  const rep = await request(server.app).post('/reportTask').send({ taskRunId: poll.body.result.taskRunId, attemptNumber: 0, status: 'TASK_SUCCESS', output: { str: 'Hello, Obi!' } });
  expect(rep.status, JSON.stringify(rep.body)).toBe(200);
  const got = await request(server.app).get(`/wfRun/${run.body.id}`);
  expect(got.body.status).toBe('COMPLETED');
});
