// Fan-out/fan-in: ask every supplier for a quote in parallel (one child thread each), wait for
// all of them, then pick the cheapest.
//
//   REDIS_URL=<Colt's Redis> npm run example:fan-out -- acme globex initech
import { INPUT, Workflow } from 'colt/builder';
import { defineTask, runTaskWorkers } from 'colt/worker';
import { call, HEADERS, API, waitForEnd } from './support/colt-api.ts';

type Quote = { supplier: string; price: number };

const fetchQuote = defineTask('fetch-quote', { inputs: { supplier: 'STR', sku: 'STR' }, returns: 'JSON_OBJ' }, async ({ supplier, sku }) => {
  await new Promise((resolve) => setTimeout(resolve, 100)); // a slow supplier API
  const price = [...`${supplier}:${sku}`].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 100;
  return { supplier, price };
});

const pickCheapest = defineTask('pick-cheapest', { inputs: { quotes: 'JSON_ARR' }, returns: 'JSON_OBJ' }, ({ quotes }) =>
  (quotes as Quote[]).reduce((best, q) => (q.price < best.price ? q : best)),
);

const bestQuote = new Workflow('best-quote', (wf) => {
  const sku = wf.declareStr('sku').required();
  const suppliers = wf.declareJsonArr('suppliers').required();
  const quotes = wf.declareJsonArr('quotes').withDefault([]);
  const askEach = wf.spawnThreadForEach(suppliers, 'ask-supplier', (t) => {
    quotes.add(t.execute(fetchQuote, t.declareStr(INPUT), sku));
  });
  wf.waitForThreads(askEach);
  wf.complete(wf.execute(pickCheapest, quotes));
});

const workers = await runTaskWorkers([fetchQuote, pickCheapest]);
await bestQuote.register(API, { headers: HEADERS });

const suppliers = process.argv.length > 2 ? process.argv.slice(2) : ['acme', 'globex', 'initech'];
const started = await call('POST', '/wfRun', { wfSpecName: 'best-quote', variables: { sku: 'sku-42', suppliers } });
const wfRun = await waitForEnd(started.id);
console.log(`WfRun ${wfRun.id}: ${wfRun.status}, output ${JSON.stringify(wfRun.threadRuns[0]?.output ?? null)}`);
await workers.drain();
process.exit(wfRun.status === 'COMPLETED' ? 0 : 1);
