// Example task: greet(name STR) -> "Hello, <name>!"
import type { TaskDefinition } from '../sdk/index.ts';

export const greet: TaskDefinition = {
  taskDef: {
    name: 'greet',
    inputVars: [{ name: 'name', typeDef: { primitiveType: 'STR' } }],
    returnType: { returnType: { primitiveType: 'STR' } },
    description: 'Greets someone by name.',
  },
  handler: ({ name }) => `Hello, ${String(name)}!`,
};
