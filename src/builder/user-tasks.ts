// USER_TASK nodes: `wf.assignUserTask(def, {userId?, userGroup?})` asks a person (or anyone in a
// group) to fill in a UserTaskDef's form; the node's output is the JSON_OBJ of their results.
// The handle adds notes, the exception a cancellation throws, and timed actions (LittleHorse's
// UTActionTrigger): a reminder task, a reassignment, a release to the group, a cancellation.
import type { TaskNode, VariableAssignment } from '../engine/types.ts';
import type { UTActionTrigger, UTHook, UserTaskNode } from '../engine/user-task-types.ts';
import { WorkflowDefinitionError } from './definition-error.ts';
import { NodeOutput, type NodeOwner } from './node-output.ts';
import { assignmentOf, type WfValue } from './operand.ts';
import type { TaskToRun } from './thread-builder.ts';

/** Who a user task is for: a user, a group, or a user within a group. */
export interface UserTaskAssignee { userId?: WfValue; userGroup?: WfValue }

/** What a user task handle needs from its thread: reminder tasks are TASK nodes like `execute`'s. */
export interface UserTaskOwner extends NodeOwner {
  /** @internal */
  taskNodeFor(taskDef: TaskToRun, args: WfValue[]): TaskNode;
}

/** The `userTask` body of a USER_TASK node; refuses one with nobody to assign it to. */
export function userTaskNode(owner: UserTaskOwner, userTaskDefName: string, assignee: UserTaskAssignee): UserTaskNode {
  if (assignee.userId === undefined && assignee.userGroup === undefined) {
    throw new WorkflowDefinitionError(`user task '${userTaskDefName}' needs a userId or a userGroup`);
  }
  return { userTaskDefName, ...assigneeAssignments(owner, assignee), actions: [] };
}

function assigneeAssignments(owner: NodeOwner, { userId, userGroup }: UserTaskAssignee) {
  return {
    ...(userId === undefined ? {} : { userId: assignmentOf(userId, owner) }),
    ...(userGroup === undefined ? {} : { userGroup: assignmentOf(userGroup, owner) }),
  };
}

export class UserTaskOutput extends NodeOutput {
  /** @internal */
  constructor(override readonly owner: UserTaskOwner, nodeName: string) {
    super(owner, nodeName);
  }

  /** Text shown with the task (a format string can fill it from variables). */
  withNotes(notes: WfValue): this {
    this.userTask().notes = assignmentOf(notes, this.owner);
    return this;
  }

  /** Cancelling the task fails the node with this business exception instead of the USER_TASK_CANCELLED error. */
  withOnCancellationException(exceptionName: WfValue): this {
    this.userTask().onCancellationExceptionName = assignmentOf(exceptionName, this.owner);
    return this;
  }

  /** Runs a TaskDef (e.g. a reminder e-mail) `delaySeconds` after the task arrives. */
  scheduleReminderTask(delaySeconds: WfValue, taskDef: TaskToRun, ...args: WfValue[]): this {
    return this.addAction('ON_ARRIVAL', delaySeconds, { task: { task: this.owner.taskNodeFor(taskDef, args), mutations: [] } });
  }

  /** Runs a TaskDef `delaySeconds` after each assignment to a user. */
  scheduleReminderTaskOnAssignment(delaySeconds: WfValue, taskDef: TaskToRun, ...args: WfValue[]): this {
    return this.addAction('ON_TASK_ASSIGNED', delaySeconds, { task: { task: this.owner.taskNodeFor(taskDef, args), mutations: [] } });
  }

  /** Hands the task to someone else if it is still with the same owner `delaySeconds` after it arrived. */
  reassignOnDeadline(delaySeconds: WfValue, to: UserTaskAssignee): this {
    if (to.userId === undefined && to.userGroup === undefined) throw new WorkflowDefinitionError(`${this.nodeName}: reassign to a userId or a userGroup`);
    return this.addAction('ON_ARRIVAL', delaySeconds, { reassign: assigneeAssignments(this.owner, to) });
  }

  /** Gives the task back to its group when a user has held it `delaySeconds` without finishing it. */
  releaseToGroupOnDeadline(delaySeconds: WfValue): this {
    const { userGroup } = this.userTask();
    if (!userGroup) throw new WorkflowDefinitionError(`${this.nodeName}: releaseToGroupOnDeadline needs a user task assigned with a userGroup`);
    return this.addAction('ON_TASK_ASSIGNED', delaySeconds, { reassign: { userGroup } });
  }

  /** Cancels the task if nobody completed it `delaySeconds` after it arrived. */
  cancelAfter(delaySeconds: WfValue): this {
    return this.addAction('ON_ARRIVAL', delaySeconds, { cancel: {} });
  }

  /** Cancels the task if its user has not completed it `delaySeconds` after it was assigned to them. */
  cancelAfterAssignment(delaySeconds: WfValue): this {
    return this.addAction('ON_TASK_ASSIGNED', delaySeconds, { cancel: {} });
  }

  private addAction(hook: UTHook, delaySeconds: WfValue, action: Pick<UTActionTrigger, 'task' | 'cancel' | 'reassign'>): this {
    const delay: VariableAssignment = assignmentOf(delaySeconds, this.owner);
    this.userTask().actions.push({ ...action, delaySeconds: delay, hook });
    return this;
  }

  private userTask(): UserTaskNode {
    const userTask = this.node().userTask;
    if (!userTask) throw new WorkflowDefinitionError(`${this.nodeName} is not a USER_TASK node`);
    return userTask;
  }
}
