// The tasks of LittleHorse's quickstart WfSpec (../shared/fixtures/littlehorse/quickstart-wfspec.json):
// verify-identity(full-name, email, ssn masked INT) asks for a check whose answer comes back as the
// `identity-verified` ExternalEvent; notify-customer-verified / -not-verified(full-name, email) tell the customer.
import type { TaskDefinition } from '../sdk/index.ts';

const str = (name: string) => ({ name, typeDef: { primitiveType: 'STR' as const } });
const returnsStr = { returnType: { primitiveType: 'STR' as const } };

export const verifyIdentity: TaskDefinition = {
  taskDef: {
    name: 'verify-identity',
    inputVars: [str('full-name'), str('email'), { name: 'ssn', typeDef: { primitiveType: 'INT', masked: true } }],
    returnType: returnsStr,
    description: 'Asks for an identity check; the answer arrives as the identity-verified ExternalEvent.',
  },
  handler: (inputs) => `Requested verification of ${String(inputs['full-name'])}`,
};

export const notifyCustomerVerified: TaskDefinition = {
  taskDef: { name: 'notify-customer-verified', inputVars: [str('full-name'), str('email')], returnType: returnsStr, description: 'Tells the customer they were verified.' },
  handler: (inputs) => `Told ${String(inputs.email)} that their identity is verified`,
};

export const notifyCustomerNotVerified: TaskDefinition = {
  taskDef: { name: 'notify-customer-not-verified', inputVars: [str('full-name'), str('email')], returnType: returnsStr, description: 'Tells the customer they could not be verified.' },
  handler: (inputs) => `Told ${String(inputs.email)} that their identity could not be verified`,
};

export const QUICKSTART_TASKS = [verifyIdentity, notifyCustomerVerified, notifyCustomerNotVerified];
