// The workflow builder: the exact WfSpec JSON each construct compiles to (LittleHorse SDK shapes
// and node names), checked against LittleHorse's own fixtures and accepted by PutWfSpec's validation.
import { describe, expect, it } from 'vitest';
import { ColtApiError, INPUT, Workflow, WorkflowDefinitionError, type ThreadFunc } from '../../src/builder/index.ts';
import type { TaskDef } from '../../src/engine/types.ts';
import { compileSpec, littlehorseFixture, taskDef } from '../support/specs.ts';
import { greet as greetWorker } from '../../workers/examples/greet.ts';

const v = (variableName: string) => ({ variableName });
const lit = (literalValue: object) => ({ literalValue });
const out = (nodeName: string) => ({ nodeOutput: { nodeName } });
const compare = (lhs: object, comparator: string, rhs: object) => ({ expression: { lhs, comparator, rhs } });
const mutation = (lhsName: string, operation: string, rhsAssignment: object) => ({ lhsName, operation, rhsAssignment });
const edge = (sinkNodeName: string, extra: object = {}) => ({ sinkNodeName, variableMutations: [], ...extra });
const node = (body: object, outgoingEdges: object[] = [], failureHandlers: object[] = []) => ({ outgoingEdges, failureHandlers, ...body });
const task = (name: string, variables: object[], extra: object = {}) => ({ task: { taskDefId: { name }, timeoutSeconds: 0, retries: 0, variables, ...extra } });
const ENTRY = '0-entrypoint-ENTRYPOINT';

const TASK_DEFS: TaskDef[] = [
  taskDef('greet', [['name', 'STR']], 'STR'),
  taskDef('shout', [['text', 'STR']], 'STR'),
  taskDef('word-length', [['word', 'STR']], 'INT'),
  taskDef('sum', [['a', 'INT'], ['b', 'DOUBLE']], 'DOUBLE'),
  taskDef('anything', [['x', 'JSON_OBJ']]),
];

function build(func: ThreadFunc, name = 'wf') {
  return new Workflow(name, func).compile();
}

function nodesOf(func: ThreadFunc, thread = 'entrypoint') {
  return build(func).threadSpecs[thread]?.nodes;
}

/** PutWfSpec's validation (src/engine/spec-validation.ts) takes the compiled JSON as it is. */
function expectAccepted(func: ThreadFunc) {
  expect(() => compileSpec(build(func), TASK_DEFS)).not.toThrow();
}

/** LittleHorse's JSON carries int64 as strings; the builder writes numbers. */
function int64AsNumbers(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(int64AsNumbers);
  if (typeof json !== 'object' || json === null) return json;
  return Object.fromEntries(Object.entries(json).map(([k, x]) => [k, k === 'int' && typeof x === 'string' ? Number(x) : int64AsNumbers(x)]));
}

describe('LittleHorse fixtures written with the builder', () => {
  it('example-basic compiles to the fixture exactly', () => {
    const spec = build((wf) => {
      wf.execute('greet', wf.declareStr('input-name').searchable());
    }, 'example-basic');
    expect(spec).toEqual(littlehorseFixture('example-basic-wfspec.json'));
    expect(compileSpec(spec, TASK_DEFS).threadSpecs.entrypoint).toEqual(compileSpec(littlehorseFixture('example-basic-wfspec.json'), TASK_DEFS).threadSpecs.entrypoint);
  });

  it('quickstart (retries, event with timeout and correlation key, TIMEOUT handler that fails, if/else) compiles to the fixture', () => {
    const quickstart = new Workflow('quickstart', (wf) => {
      const fullName = wf.declareStr('full-name').searchable().required();
      const email = wf.declareStr('email').searchable().required();
      const ssn = wf.declareInt('ssn').masked().required();
      const verified = wf.declareBool('identity-verified').searchable();
      wf.execute('verify-identity', fullName, email, ssn).withRetries(3);
      const event = wf.waitForEvent('identity-verified').timeout(300).withCorrelationId(email);
      wf.handleError(event, 'TIMEOUT', (h) => {
        h.execute('notify-customer-not-verified', fullName, email);
        h.fail('customer-not-verified', 'Unable to verify customer identity in time.');
      });
      verified.assign(event);
      wf.doIf(wf.condition(verified, '==', true), (t) => {
        t.execute('notify-customer-verified', fullName, email);
      }).doElse((t) => {
        t.execute('notify-customer-not-verified', fullName, email);
      });
    }).withDefaultTaskTimeout(60);
    expect(quickstart.compile()).toEqual(int64AsNumbers(littlehorseFixture('quickstart-wfspec.json')));
  });
});

describe('variables', () => {
  it('declares each type with LittleHorse SDK defaults, and each option', () => {
    const spec = build((wf) => {
      wf.declareStr('s');
      wf.declareInt('i').required().asPublic();
      wf.declareDouble('d').withDefault(2);
      wf.declareBool('b').withDefault(false);
      wf.declareJsonObj('o').searchableOn('$.total', 'DOUBLE').withDefault({ a: 1 });
      wf.declareJsonArr('a').withDefault([]);
      wf.declareStr('secret').masked().searchable();
      wf.declareTimestamp('t').withDefault(new Date('2026-01-02T03:04:05Z'));
    });
    const defs = spec.threadSpecs.entrypoint?.variableDefs ?? [];
    const base = { required: false, searchable: false, jsonIndexes: [], accessLevel: 'PRIVATE_VAR' };
    const varDef = (name: string, primitiveType: string, extra: object = {}) => ({ name, typeDef: { primitiveType, masked: false }, ...extra });
    expect(defs).toEqual([
      { varDef: varDef('s', 'STR'), ...base },
      { varDef: varDef('i', 'INT'), ...base, required: true, accessLevel: 'PUBLIC_VAR' },
      { varDef: varDef('d', 'DOUBLE', { defaultValue: { double: 2 } }), ...base },
      { varDef: varDef('b', 'BOOL', { defaultValue: { bool: false } }), ...base },
      { varDef: varDef('o', 'JSON_OBJ', { defaultValue: { jsonObj: { a: 1 } } }), ...base, jsonIndexes: [{ fieldPath: '$.total', fieldType: 'DOUBLE' }] },
      { varDef: varDef('a', 'JSON_ARR', { defaultValue: { jsonArr: [] } }), ...base },
      { varDef: { name: 'secret', typeDef: { primitiveType: 'STR', masked: true } }, ...base, searchable: true },
      { varDef: varDef('t', 'TIMESTAMP', { defaultValue: { utcTimestamp: '2026-01-02T03:04:05.000Z' } }), ...base },
    ]);
    expect(() => compileSpec(spec, TASK_DEFS)).not.toThrow();
  });

  it('refuses a default of the wrong type, and a name declared twice in the WfSpec', () => {
    expect(() => build((wf) => void wf.declareInt('n').withDefault(1.5))).toThrow(WorkflowDefinitionError);
    expect(() => build((wf) => void [wf.declareStr('x'), wf.declareInt('x')])).toThrow("variable 'x' is declared twice in thread 'entrypoint'");
    const inTwoThreads: ThreadFunc = (wf) => {
      wf.declareStr('x');
      wf.waitForThreads(wf.spawnThread('child', (t) => void t.declareStr('x')));
    };
    expect(() => build(inTwoThreads)).toThrow("variable 'x' is declared in threads 'entrypoint' and 'child'");
  });

  it('puts each mutation on the edge that leaves the current node, in call order', () => {
    const nodes = nodesOf((wf) => {
      const n = wf.declareInt('n');
      const list = wf.declareJsonArr('list');
      const obj = wf.declareJsonObj('obj');
      n.assign(1);
      const length = wf.execute('word-length', 'hello');
      n.add(length);
      n.subtract(2);
      n.multiply(3);
      n.divide(4);
      list.add('x');
      list.extend(['y', 'z']);
      list.removeIfPresent('y');
      list.removeIndex(0);
      obj.removeKey('gone');
      obj.jsonPath('$.len').assign(length.jsonPath('$.value'));
      n.mutate('POW', 2);
    });
    expect(nodes?.[ENTRY]?.outgoingEdges).toEqual([edge('1-word-length-TASK', { variableMutations: [mutation('n', 'ASSIGN', lit({ int: 1 }))] })]);
    expect(nodes?.['1-word-length-TASK']?.outgoingEdges).toEqual([
      edge('2-exit-EXIT', {
        variableMutations: [
          mutation('n', 'ADD', out('1-word-length-TASK')),
          mutation('n', 'SUBTRACT', lit({ int: 2 })),
          mutation('n', 'MULTIPLY', lit({ int: 3 })),
          mutation('n', 'DIVIDE', lit({ int: 4 })),
          mutation('list', 'ADD', lit({ str: 'x' })),
          mutation('list', 'EXTEND', lit({ jsonArr: ['y', 'z'] })),
          mutation('list', 'REMOVE_IF_PRESENT', lit({ str: 'y' })),
          mutation('list', 'REMOVE_INDEX', lit({ int: 0 })),
          mutation('obj', 'REMOVE_KEY', lit({ str: 'gone' })),
          { lhsName: 'obj', lhsJsonPath: '$.len', operation: 'ASSIGN', rhsAssignment: { ...out('1-word-length-TASK'), jsonPath: '$.value' } },
          mutation('n', 'POW', lit({ int: 2 })),
        ],
      }),
    ]);
  });

  it('refuses mutations after complete(), and mutations outside a thread function', () => {
    expect(() => build((wf) => {
      const n = wf.declareInt('n');
      wf.complete();
      n.assign(1);
    })).toThrow("mutations of n come after 1-complete-EXIT, which ends the thread");
    let escaped: ReturnType<Parameters<ThreadFunc>[0]['declareInt']> | undefined;
    build((wf) => void (escaped = wf.declareInt('n')));
    expect(() => escaped?.assign(1)).toThrow('inside a thread function');
  });
});

describe('tasks', () => {
  it('passes every kind of argument as a VariableAssignment', () => {
    const nodes = nodesOf((wf) => {
      const order = wf.declareJsonObj('order');
      const first = wf.execute('anything', order.jsonPath('$.customer'));
      wf.execute('anything', 'text', 7, 2.5, true, null, { a: [1] }, [1, 'x'], new Date('2026-05-06T00:00:00Z'),
        first, first.jsonPath('$.id'), wf.format('Hi {0}', order), wf.add(1, 2.5), wf.sizeOf(order.jsonPath('$.items')));
    });
    expect(nodes?.['1-anything-TASK']).toEqual(node(task('anything', [{ variableName: 'order', jsonPath: '$.customer' }]), [edge('2-anything-TASK')]));
    expect(nodes?.['2-anything-TASK']?.task?.variables).toEqual([
      lit({ str: 'text' }), lit({ int: 7 }), lit({ double: 2.5 }), lit({ bool: true }), lit({}), lit({ jsonObj: { a: [1] } }),
      lit({ jsonArr: [1, 'x'] }), lit({ utcTimestamp: '2026-05-06T00:00:00.000Z' }),
      out('1-anything-TASK'), { ...out('1-anything-TASK'), jsonPath: '$.id' },
      { formatString: { format: lit({ str: 'Hi {0}' }), args: [v('order')] } },
      { expression: { lhs: lit({ int: 1 }), mutationType: 'ADD', rhs: lit({ double: 2.5 }) } },
      { sizeOf: { operand: { variableName: 'order', jsonPath: '$.items' } } },
    ]);
  });

  it('sets retries, exponential backoff and timeout per node, over the workflow defaults', () => {
    const backoff = { baseIntervalMs: 100, maxDelayMs: 5_000, multiplier: 2 };
    const spec = new Workflow('wf', (wf) => {
      wf.execute('greet', 'a');
      wf.execute('greet', 'b').withRetries(5).withExponentialBackoff(backoff).timeout(10);
    }).withDefaultTaskTimeout(30).withDefaultRetries(1).compile();
    const nodes = spec.threadSpecs.entrypoint?.nodes;
    expect(nodes?.['1-greet-TASK']?.task).toEqual({ taskDefId: { name: 'greet' }, timeoutSeconds: 30, retries: 1, variables: [lit({ str: 'a' })] });
    expect(nodes?.['2-greet-TASK']?.task).toEqual({ taskDefId: { name: 'greet' }, timeoutSeconds: 10, retries: 5, exponentialBackoff: backoff, variables: [lit({ str: 'b' })] });
    expect(() => compileSpec(spec, TASK_DEFS)).not.toThrow();
  });

  it('runs a task named by a worker definition, or by a variable or format string (dynamic task)', () => {
    const nodes = nodesOf((wf) => {
      wf.execute(greetWorker, 'x');
      wf.execute(wf.declareStr('which-task'), 'x');
      wf.execute(wf.format('task-{0}', 1));
    });
    expect(nodes?.['1-greet-TASK']?.task).toEqual({ taskDefId: { name: 'greet' }, timeoutSeconds: 0, retries: 0, variables: [lit({ str: 'x' })] });
    expect(nodes?.['2-which-task-TASK']?.task).toEqual({ dynamicTask: v('which-task'), timeoutSeconds: 0, retries: 0, variables: [lit({ str: 'x' })] });
    expect(nodes?.['3-task-{0}-TASK']?.task?.dynamicTask).toEqual({ formatString: { format: lit({ str: 'task-{0}' }), args: [lit({ int: 1 })] } });
  });

  it('refuses a literal holding a handle, and a node output read in another thread', () => {
    expect(() => build((wf) => void wf.execute('anything', { name: wf.declareStr('n') }))).toThrow('a JSON literal cannot hold a variable');
    const crossThread: ThreadFunc = (wf) => {
      const greeting = wf.execute('greet', 'a');
      wf.waitForThreads(wf.spawnThread('child', (t) => void t.execute('shout', greeting)));
    };
    expect(() => build(crossThread)).toThrow("the output of 1-greet-TASK (thread 'entrypoint') is read in thread 'child'");
  });
});

describe('conditions and control flow', () => {
  it('maps each comparator, and combines conditions with and/or', () => {
    const nodes = nodesOf((wf) => {
      const n = wf.declareInt('n');
      const ops = ['<', '>', '<=', '>=', '==', '!=', 'in', 'not in'] as const;
      wf.waitForCondition(ops.map((op) => wf.condition(n, op, 1)).reduce((a, b) => a.and(b)).or(wf.condition(n, 'GREATER_THAN', 9)));
    });
    const comparisons = ['LESS_THAN', 'GREATER_THAN', 'LESS_THAN_EQ', 'GREATER_THAN_EQ', 'EQUALS', 'NOT_EQUALS', 'IN', 'NOT_IN']
      .map((c): object => compare(v('n'), c, lit({ int: 1 })))
      .reduce((lhs, rhs) => ({ expression: { lhs, mutationType: 'AND', rhs } }));
    expect(nodes?.['1-wait-for-condition-WAIT_FOR_CONDITION']?.waitForCondition).toEqual({
      condition: { expression: { lhs: comparisons, mutationType: 'OR', rhs: compare(v('n'), 'GREATER_THAN', lit({ int: 9 })) } },
    });
  });

  it('doIf without else: branch NOP, conditional edge into the body, plain edge to the join NOP', () => {
    const nodes = nodesOf((wf) => {
      const flag = wf.declareBool('flag');
      const n = wf.declareInt('n');
      n.assign(0);
      wf.doIf(flag, (t) => {
        n.assign(1);
        t.execute('greet', 'x');
        n.add(1);
      });
    });
    const isTrue = compare(v('flag'), 'EQUALS', lit({ bool: true }));
    expect(nodes).toEqual({
      [ENTRY]: node({ entrypoint: {} }, [edge('1-nop-NOP', { variableMutations: [mutation('n', 'ASSIGN', lit({ int: 0 }))] })]),
      '1-nop-NOP': node({ nop: {} }, [edge('2-greet-TASK', { condition: isTrue, variableMutations: [mutation('n', 'ASSIGN', lit({ int: 1 }))] }), edge('3-nop-NOP')]),
      '2-greet-TASK': node(task('greet', [lit({ str: 'x' })]), [edge('3-nop-NOP', { variableMutations: [mutation('n', 'ADD', lit({ int: 1 }))] })]),
      '3-nop-NOP': node({ nop: {} }, [edge('4-exit-EXIT')]),
      '4-exit-EXIT': node({ exit: {} }),
    });
  });

  it('doIf / doElseIf / doElse: branches in order on the branch NOP, the else edge last; an empty branch goes straight to the join', () => {
    const func: ThreadFunc = (wf) => {
      const n = wf.declareInt('n');
      const label = wf.declareStr('label');
      wf.doIf(wf.condition(n, '>', 10), (t) => void t.execute('greet', 'big'))
        .doElseIf(wf.condition(n, '>', 5), () => label.assign('medium'))
        .doElse((t) => {
          t.execute('greet', 'small');
          t.execute('shout', 'small');
        });
    };
    const nodes = nodesOf(func);
    expect(nodes?.['1-nop-NOP']?.outgoingEdges).toEqual([
      edge('2-greet-TASK', { condition: compare(v('n'), 'GREATER_THAN', lit({ int: 10 })) }),
      edge('3-nop-NOP', { condition: compare(v('n'), 'GREATER_THAN', lit({ int: 5 })), variableMutations: [mutation('label', 'ASSIGN', lit({ str: 'medium' }))] }),
      edge('4-greet-TASK'),
    ]);
    expect(nodes?.['2-greet-TASK']?.outgoingEdges).toEqual([edge('3-nop-NOP')]);
    expect(nodes?.['4-greet-TASK']?.outgoingEdges).toEqual([edge('5-shout-TASK')]);
    expect(nodes?.['5-shout-TASK']?.outgoingEdges).toEqual([edge('3-nop-NOP')]);
    expect(nodes?.['3-nop-NOP']?.outgoingEdges).toEqual([edge('6-exit-EXIT')]);
    expectAccepted(func);
  });

  it('a branch that ends the thread gets no edge to the join; doElse must follow its doIf', () => {
    const nodes = nodesOf((wf) => {
      wf.doIf(wf.condition(1, '==', 1), (t) => t.fail('nope', 'failed on purpose', { why: 'test' })).doElse((t) => t.complete('fine'));
    });
    expect(nodes?.['2-nope-EXIT']).toEqual(node({ exit: { failureDef: { failureName: 'nope', message: 'failed on purpose', content: lit({ jsonObj: { why: 'test' } }) } } }));
    expect(nodes?.['4-complete-EXIT']).toEqual(node({ exit: { returnContent: lit({ str: 'fine' }) } }));
    const ifThenTask: ThreadFunc = (wf) => {
      const statement = wf.doIf(wf.condition(1, '==', 1), (t) => void t.execute('greet', 'a'));
      wf.execute('greet', 'b');
      statement.doElse(() => {});
    };
    expect(() => build(ifThenTask)).toThrow('must directly follow doIf()');
  });

  it('doWhile: root NOP -(cond)-> body -> last NOP -(cond)-> root, root -(not cond)-> last NOP', () => {
    const func: ThreadFunc = (wf) => {
      const count = wf.declareInt('count').withDefault(0);
      const done = wf.declareBool('done').withDefault(false);
      wf.doWhile(wf.condition(count, '<', 3).and(wf.condition(done, '!=', true)), (t) => {
        t.execute('shout', t.format('round {0}', count));
        count.add(1);
      });
      wf.complete(count);
    };
    const loop = { expression: { lhs: compare(v('count'), 'LESS_THAN', lit({ int: 3 })), mutationType: 'AND', rhs: compare(v('done'), 'NOT_EQUALS', lit({ bool: true })) } };
    const exitLoop = { expression: { lhs: compare(v('count'), 'GREATER_THAN_EQ', lit({ int: 3 })), mutationType: 'OR', rhs: compare(v('done'), 'EQUALS', lit({ bool: true })) } };
    expect(nodesOf(func)).toEqual({
      [ENTRY]: node({ entrypoint: {} }, [edge('1-nop-NOP')]),
      '1-nop-NOP': node({ nop: {} }, [edge('2-shout-TASK', { condition: loop }), edge('3-nop-NOP', { condition: exitLoop })]),
      '2-shout-TASK': node(task('shout', [{ formatString: { format: lit({ str: 'round {0}' }), args: [v('count')] } }]), [
        edge('3-nop-NOP', { variableMutations: [mutation('count', 'ADD', lit({ int: 1 }))] }),
      ]),
      '3-nop-NOP': node({ nop: {} }, [edge('1-nop-NOP', { condition: loop }), edge('4-complete-EXIT')]),
      '4-complete-EXIT': node({ exit: { returnContent: v('count') } }),
    });
    expectAccepted(func);
  });
});

describe('threads', () => {
  it('spawnThread stores the thread number in a variable named after the node; waitForThreads reads those', () => {
    const func: ThreadFunc = (wf) => {
      const word = wf.declareStr('word');
      const child = (t: Parameters<ThreadFunc>[0]) => void t.execute('shout', t.declareStr('text'));
      const a = wf.spawnThread('shout-a', child, { text: word });
      const b = wf.spawnThread('shout-b', (t) => void t.execute('greet', 'b'));
      wf.waitForFirstOf(a, b).handleExceptionOnChild('not-allowed', (h) => void h.declareJsonObj(INPUT)).handleAnyFailureOnChild(() => {});
    };
    const spec = build(func);
    const nodes = spec.threadSpecs.entrypoint?.nodes;
    const threadNumber = (name: string) => mutation(name, 'ASSIGN', out(name));
    expect(nodes?.['1-shout-a-START_THREAD']).toEqual(node({ startThread: { threadSpecName: 'shout-a', variables: { text: v('word') } } }, [
      edge('2-shout-b-START_THREAD', { variableMutations: [threadNumber('1-shout-a-START_THREAD')] }),
    ]));
    expect(nodes?.['3-threads-WAIT_FOR_THREADS']?.waitForThreads).toEqual({
      threads: { threads: [{ threadRunNumber: v('1-shout-a-START_THREAD') }, { threadRunNumber: v('2-shout-b-START_THREAD') }] },
      perThreadFailureHandlers: [
        { handlerSpecName: 'child-exn-handler-3-threads-WAIT_FOR_THREADS-not-allowed', specificFailure: 'not-allowed' },
        { handlerSpecName: 'child-exn-handler-3-threads-WAIT_FOR_THREADS-any-failure' },
      ],
      strategy: 'WAIT_FOR_FIRST',
    });
    expect(spec.threadSpecs.entrypoint?.variableDefs.map((d) => [d.varDef.name, d.varDef.typeDef.primitiveType])).toEqual([
      ['word', 'STR'], ['1-shout-a-START_THREAD', 'INT'], ['2-shout-b-START_THREAD', 'INT'],
    ]);
    expect(Object.keys(spec.threadSpecs)).toEqual([
      'entrypoint', 'shout-a', 'shout-b', 'child-exn-handler-3-threads-WAIT_FOR_THREADS-not-allowed', 'child-exn-handler-3-threads-WAIT_FOR_THREADS-any-failure',
    ]);
    expectAccepted(func);
  });

  it('spawnThreadForEach iterates a JSON_ARR; its thread list is waited for with threadList', () => {
    const func: ThreadFunc = (wf) => {
      const words = wf.declareJsonArr('words');
      const each = wf.spawnThreadForEach(words, 'one-word', (t) => void t.execute('shout', t.declareStr(INPUT)), { extra: 1 });
      wf.waitForAnyOf(each);
    };
    const spec = new Workflow('wf', func).compile();
    const nodes = spec.threadSpecs.entrypoint?.nodes;
    expect(nodes?.['1-one-word-START_MULTIPLE_THREADS']?.startMultipleThreads).toEqual({ threadSpecName: 'one-word', variables: { extra: lit({ int: 1 }) }, iterable: v('words') });
    expect(nodes?.['1-one-word-START_MULTIPLE_THREADS']?.outgoingEdges).toEqual([
      edge('2-threads-WAIT_FOR_THREADS', { variableMutations: [mutation('1-one-word-START_MULTIPLE_THREADS', 'ASSIGN', out('1-one-word-START_MULTIPLE_THREADS'))] }),
    ]);
    expect(nodes?.['2-threads-WAIT_FOR_THREADS']?.waitForThreads).toEqual({ threadList: v('1-one-word-START_MULTIPLE_THREADS'), perThreadFailureHandlers: [], strategy: 'WAIT_FOR_ANY' });
    expect(spec.threadSpecs['one-word']?.variableDefs[0]?.varDef).toEqual({ name: 'INPUT', typeDef: { primitiveType: 'STR', masked: false } });
  });

  it('refuses two threads of one name, and mixed handles in one wait', () => {
    expect(() => build((wf) => void [wf.spawnThread('x', () => {}), wf.spawnThread('x', () => {})])).toThrow("two threads named 'x'");
    const mixed: ThreadFunc = (wf) => void wf.waitForThreads(wf.spawnThread('a', () => {}), wf.spawnThreadForEach([1], 'b', () => {}));
    expect(() => build(mixed)).toThrow('exactly one spawnThreadForEach() handle');
  });
});

describe('failure handlers', () => {
  it('handleException / handleError / handleAnyFailure add FailureHandlerDefs and handler threads named LittleHorse style', () => {
    const func: ThreadFunc = (wf) => {
      const result = wf.declareStr('result');
      const shout = wf.execute('shout', 'x');
      wf.handleException(shout, 'not-allowed', (h) => result.assign(h.format('refused: {0}', h.declareJsonObj(INPUT).jsonPath('$.word'))));
      wf.handleException(shout, () => {});
      wf.handleError(shout, 'TASK_ERROR', () => {});
      wf.handleError(shout, () => {});
      wf.handleAnyFailure(shout, (h) => h.fail('gave-up', 'no way'));
    };
    const spec = build(func);
    expect(spec.threadSpecs.entrypoint?.nodes['1-shout-TASK']?.failureHandlers).toEqual([
      { handlerSpecName: 'exn-handler-1-shout-TASK-not-allowed', specificFailure: 'not-allowed' },
      { handlerSpecName: 'exn-handler-1-shout-TASK-FAILURE_TYPE_EXCEPTION', anyFailureOfType: 'FAILURE_TYPE_EXCEPTION' },
      { handlerSpecName: 'exn-handler-1-shout-TASK-TASK_ERROR', specificFailure: 'TASK_ERROR' },
      { handlerSpecName: 'exn-handler-1-shout-TASK-FAILURE_TYPE_ERROR', anyFailureOfType: 'FAILURE_TYPE_ERROR' },
      { handlerSpecName: 'exn-handler-1-shout-TASK-any-failure' },
    ]);
    expect(spec.threadSpecs['exn-handler-1-shout-TASK-not-allowed']).toEqual({
      nodes: {
        [ENTRY]: node({ entrypoint: {} }, [edge('1-exit-EXIT', {
          variableMutations: [mutation('result', 'ASSIGN', { formatString: { format: lit({ str: 'refused: {0}' }), args: [{ variableName: 'INPUT', jsonPath: '$.word' }] } })],
        })]),
        '1-exit-EXIT': node({ exit: {} }),
      },
      variableDefs: [{ varDef: { name: 'INPUT', typeDef: { primitiveType: 'JSON_OBJ', masked: false } }, required: false, searchable: false, jsonIndexes: [], accessLevel: 'PRIVATE_VAR' }],
      interruptDefs: [],
    });
    expect(spec.threadSpecs['exn-handler-1-shout-TASK-any-failure']?.nodes['1-gave-up-EXIT']?.exit).toEqual({ failureDef: { failureName: 'gave-up', message: 'no way' } });
    expectAccepted(func);
  });
});

describe('waiting, events and child workflows', () => {
  it('waitForEvent: EXTERNAL_EVENT with a timeout and a masked correlation key', () => {
    const nodes = nodesOf((wf) => {
      const key = wf.declareStr('key').masked();
      wf.declareJsonObj('payment').assign(wf.waitForEvent('payment-received').timeout(wf.declareInt('wait-seconds')).withCorrelationId(key));
      wf.waitForEvent('cancelled');
    });
    expect(nodes?.['1-payment-received-EXTERNAL_EVENT']).toEqual(node(
      { externalEvent: { externalEventDefId: { name: 'payment-received' }, timeoutSeconds: v('wait-seconds'), correlationKey: v('key'), maskCorrelationKey: true } },
      [edge('2-cancelled-EXTERNAL_EVENT', { variableMutations: [mutation('payment', 'ASSIGN', out('1-payment-received-EXTERNAL_EVENT'))] })],
    ));
    expect(nodes?.['2-cancelled-EXTERNAL_EVENT']?.externalEvent).toEqual({ externalEventDefId: { name: 'cancelled' }, maskCorrelationKey: false });
  });

  it('sleepSeconds takes seconds; sleepUntil takes epoch millis or an ISO instant', () => {
    const func: ThreadFunc = (wf) => {
      wf.sleepSeconds(30);
      wf.sleepSeconds(wf.declareInt('seconds'));
      wf.sleepUntil(wf.declareInt('at-ms'));
      wf.sleepUntil(wf.declareTimestamp('at'));
      wf.sleepUntil(wf.declareStr('at-iso'));
      wf.sleepUntil(new Date('2030-01-01T00:00:00Z'));
    };
    const sleeps = Object.values(nodesOf(func) ?? {}).flatMap((n) => (n.sleep ? [n.sleep] : []));
    expect(sleeps).toEqual([
      { rawSeconds: lit({ int: 30 }) },
      { rawSeconds: v('seconds') },
      { timestamp: v('at-ms') },
      { timestamp: { ...v('at'), targetType: { primitiveType: 'INT', masked: false } } },
      { isoDate: v('at-iso') },
      { isoDate: lit({ str: '2030-01-01T00:00:00.000Z' }) },
    ]);
    expect(Object.keys(nodesOf(func) ?? {})[1]).toBe('1-sleep-SLEEP');
    expectAccepted(func);
  });

  it('runChildWf + waitForChildWf: the wait reads the RUN_CHILD_WF output; throwEvent is a THROW_EVENT node', () => {
    const nodes = nodesOf((wf) => {
      const child = wf.runChildWf('shout-one', { text: 'hi' }, { majorVersion: 2 });
      const result = wf.waitForChildWf(child);
      wf.throwEvent('shouted', result);
      wf.complete(result);
    });
    expect(nodes?.['1-run-shout-one-RUN_CHILD_WF']?.runChildWf).toEqual({ wfSpecName: 'shout-one', majorVersion: 2, inputs: { text: lit({ str: 'hi' }) } });
    expect(nodes?.['2-wait-for-shout-one-WAIT_FOR_CHILD_WF']?.waitForChildWf).toEqual({ childWfRunId: out('1-run-shout-one-RUN_CHILD_WF'), childWfRunSourceNode: '1-run-shout-one-RUN_CHILD_WF' });
    expect(nodes?.['3-throw-shouted-THROW_EVENT']?.throwEvent).toEqual({ eventDefId: { name: 'shouted' }, content: out('2-wait-for-shout-one-WAIT_FOR_CHILD_WF') });
    expect(nodes?.['4-complete-EXIT']?.exit).toEqual({ returnContent: out('2-wait-for-shout-one-WAIT_FOR_CHILD_WF') });
  });
});

describe('the workflow', () => {
  it('compiles the same JSON every time, with workflow-level options', () => {
    const wf = new Workflow('order', (t) => void t.execute('greet', 'a')).withRetentionPolicy(3600).withUpdateType('MINOR_REVISION_UPDATES');
    const first = wf.compile();
    expect(wf.compile()).toEqual(first);
    expect(first).toMatchObject({ name: 'order', entrypointThreadName: 'entrypoint', allowedUpdates: 'MINOR_REVISION_UPDATES', retentionPolicy: { secondsAfterWfTermination: 3600 } });
    expect(() => new Workflow('not a name', () => {})).toThrow(WorkflowDefinitionError);
  });

  it('register() POSTs the compiled JSON to /wfSpec with the tenant, and throws the server’s error', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const answer = (status: number, body: object): typeof fetch => async (url, init) => {
      calls.push({ url: String(url), init: init ?? {} });
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    };
    const wf = new Workflow('order', (t) => void t.execute('greet', 'a'));
    const stored = await wf.register('http://colt.test:8080/api/', { tenant: 'acme', fetch: answer(200, { id: { name: 'order', majorVersion: 0, revision: 0 } }) });
    expect(stored.id).toEqual({ name: 'order', majorVersion: 0, revision: 0 });
    expect(calls[0]?.url).toBe('http://colt.test:8080/api/wfSpec');
    expect(calls[0]?.init).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json', 'tenant-id': 'acme' } });
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual(wf.compile());

    const refused = wf.register('http://colt.test:8080', { fetch: answer(400, { code: 'INVALID_ARGUMENT', message: "TaskDef 'greet' does not exist" }) });
    await expect(refused).rejects.toThrow(ColtApiError);
    await expect(refused).rejects.toMatchObject({ status: 400, code: 'INVALID_ARGUMENT', message: "INVALID_ARGUMENT: TaskDef 'greet' does not exist" });
    expect(calls[1]?.url).toBe('http://colt.test:8080/wfSpec');
  });
});
