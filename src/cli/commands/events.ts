// `colt postEvent <wfRunId> <externalEventDef> [type payload]`: posts an ExternalEvent, e.g.
// `colt postEvent o-1 payment-received JSON_OBJ '{"amount": 25}'`; `--guid` makes it idempotent.
import type { Command } from 'commander';
import { CliError, seg } from '../client.ts';
import { integerOf, type CliContext } from '../cli-context.ts';
import { PRIMITIVE_TYPES, parseJson, variableValueOf } from '../values.ts';

interface PostEventFlags { guid?: string; threadRunNumber?: string; nodeRunPosition?: string; content?: string }

export function postEventCommand(program: Command, cli: CliContext): void {
  program
    .command('postEvent')
    .description('post an ExternalEvent to a WfRun')
    .argument('<wfRunId>')
    .argument('<externalEventDefName>')
    .argument('[type]', `the payload's type (${PRIMITIVE_TYPES.join(', ')})`)
    .argument('[payload]', 'the payload as text (JSON for JSON_OBJ/JSON_ARR)')
    .option('--guid <guid>', 'the event\'s id in the WfRun; posting the same guid again changes nothing')
    .option('--threadRunNumber <n>', 'reserve the event for this thread')
    .option('--nodeRunPosition <n>', 'and for this node run of it')
    .option('--content <json>', 'the payload as a VariableValue, e.g. {"bool": true}')
    .action(async (wfRunId: string, defName: string, type: string | undefined, payload: string | undefined, flags: PostEventFlags) => {
      const threadRunNumber = integerOf('--threadRunNumber', flags.threadRunNumber);
      const nodeRunPosition = integerOf('--nodeRunPosition', flags.nodeRunPosition);
      cli.print(await cli.client().post(`/wfRun/${seg(wfRunId)}/externalEvent/${seg(defName)}`, {
        content: contentOf(type, payload, flags.content),
        ...(flags.guid === undefined ? {} : { guid: flags.guid }),
        ...(threadRunNumber === undefined ? {} : { threadRunNumber }),
        ...(nodeRunPosition === undefined ? {} : { nodeRunPosition }),
      }));
    });
}

function contentOf(type: string | undefined, payload: string | undefined, content: string | undefined): unknown {
  if (content !== undefined) {
    if (type !== undefined) throw new CliError('give the payload either as <type> <payload> or as --content, not both');
    return parseJson('--content', content);
  }
  if (type === undefined) return {};
  if (payload === undefined) throw new CliError(`a payload of type ${type} needs its value: postEvent <wfRunId> <def> ${type} <payload>`);
  return variableValueOf('payload', type, payload);
}
