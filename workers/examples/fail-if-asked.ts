// Example task that fails when asked: mode "error" is a technical failure (TASK_FAILED, retried
// if the node has retries), mode "exception" a business exception named `asked-to-fail`.
import { TaskException, type TaskDefinition } from '../sdk/index.ts';

export const failIfAsked: TaskDefinition = {
  taskDef: {
    name: 'fail-if-asked',
    inputVars: [{ name: 'mode', typeDef: { primitiveType: 'STR' } }],
    returnType: { returnType: { primitiveType: 'STR' } },
    description: 'Returns "ok", or fails: mode "error" -> TASK_FAILED, mode "exception" -> exception asked-to-fail.',
  },
  handler: ({ mode }, context) => {
    context.log(`asked for mode ${String(mode)}`);
    if (mode === 'error') throw new Error('failed because the input asked for an error');
    if (mode === 'exception') throw new TaskException('asked-to-fail', 'failed because the input asked for an exception', { mode });
    return 'ok';
  },
};
