import request from 'supertest';
import { afterAll, it } from 'vitest';
import { startTestServer } from '../support/server.ts';
import { chainSpecRequest } from '../support/specs.ts';
const server = startTestServer('scratch');
afterAll(() => server.close());
it('probe', async () => {
  const app = server.app;
  console.log((await request(app).post('/taskDef').send({ name: 'charge', inputVars: [{ name: 'input', typeDef: { primitiveType: 'STR' } }], createdAt: '2000-01-01T00:00:00Z', tenantId: 'x' })).status);
  console.log((await request(app).post('/wfSpec').send({ ...chainSpecRequest('billing', ['charge']), status: 'ARCHIVED', id: { name: 'x', majorVersion: 9, revision: 9 } })).text.slice(0, 300));
  const r = await request(app).post('/wfRun').send({ wfSpecName: 'billing', id: 'r1', variables: { input: 'x' }, status: 'COMPLETED', tenantId: 'other', startTime: '2000-01-01T00:00:00Z' });
  console.log(r.status, r.text.slice(0, 300));
  console.log((await request(app).post('/externalEventDef').send({ name: 'paid', createdAt: 'x', tenant: 'y' })).text.slice(0, 300));
});
