// Thrown while a workflow is being built or compiled, when what the code asks for cannot become a
// valid WfSpec (a node output used in another thread, a duplicate variable, a literal holding a handle...).

export class WorkflowDefinitionError extends Error {
  override name = 'WorkflowDefinitionError';
}
