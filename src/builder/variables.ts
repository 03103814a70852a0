// Workflow variables: the declaration (type, required, searchable, default, masked, access level)
// and the handle used to read the variable (optionally at a JSON path) and to mutate it.
import type { MutationType } from '../engine/operations.ts';
import type { AccessLevel, PrimitiveType, ThreadVarDef, VariableAssignment, VariableValue } from '../engine/types.ts';
import { fromPlain, ValueError } from '../engine/values.ts';
import { WorkflowDefinitionError } from './definition-error.ts';
import { Operand, type ThreadRef, type WfValue } from './operand.ts';

/** The plain JavaScript value a variable of each type holds (what `withDefault` takes). */
export interface PlainValueOf {
  STR: string;
  INT: number;
  DOUBLE: number;
  BOOL: boolean;
  JSON_OBJ: Record<string, unknown>;
  JSON_ARR: unknown[];
  BYTES: string;
  WF_RUN_ID: string;
  TIMESTAMP: string | Date;
}

/** A JSON index on a searchable JSON_OBJ/JSON_ARR variable. */
export interface JsonIndex { fieldPath: string; fieldType: PrimitiveType }

/** Where a mutation goes: the thread whose function is running (mutations ride its next edge). */
export interface MutationSink {
  mutate(lhs: WfRunVariable, operation: MutationType, rhs: WfValue): void;
}

export interface VariableDeclaration {
  name: string;
  type: PrimitiveType;
  required: boolean;
  searchable: boolean;
  masked: boolean;
  accessLevel: AccessLevel;
  defaultValue?: VariableValue;
  jsonIndexes: JsonIndex[];
}

export class WfRunVariable<T extends PrimitiveType = PrimitiveType> extends Operand {
  /** @internal Made by `declareStr()` and friends. */
  constructor(
    private readonly declaration: VariableDeclaration,
    private readonly activeThread: () => MutationSink,
    private readonly path?: string,
  ) {
    super();
  }

  get name(): string {
    return this.declaration.name;
  }

  get type(): T {
    return this.declaration.type as T;
  }

  get isMasked(): boolean {
    return this.declaration.masked;
  }

  /** The JSON path this handle reads and mutates (JSON_OBJ / JSON_ARR variables). */
  get jsonPathExpression(): string | undefined {
    return this.path;
  }

  // ---- declaration ----

  /** The WfRun (or thread) cannot start without this variable. */
  required(): this {
    this.declaration.required = true;
    return this;
  }

  searchable(): this {
    this.declaration.searchable = true;
    return this;
  }

  /** Index a field of a JSON variable for search. */
  searchableOn(fieldPath: string, fieldType: PrimitiveType): this {
    this.declaration.jsonIndexes.push({ fieldPath, fieldType });
    return this;
  }

  withDefault(value: PlainValueOf[T]): this {
    const plain = value instanceof Date ? value.toISOString() : value;
    try {
      this.declaration.defaultValue = fromPlain(this.declaration.type, plain);
    } catch (err) {
      if (err instanceof ValueError) throw new WorkflowDefinitionError(`default of variable '${this.name}': ${err.message}`);
      throw err;
    }
    return this;
  }

  /** The value is stored as usual but shown as `*****` by the API. */
  masked(): this {
    this.declaration.masked = true;
    return this;
  }

  /** Child WfRuns may read and mutate it (LittleHorse's PUBLIC_VAR). Variables are private by default, as in LittleHorse's SDKs. */
  asPublic(): this {
    return this.withAccessLevel('PUBLIC_VAR');
  }

  /** The parent WfRun's entrypoint variable of the same name (needs `withParentWfSpec` on the workflow). */
  asInherited(): this {
    return this.withAccessLevel('INHERITED_VAR');
  }

  withAccessLevel(level: AccessLevel): this {
    this.declaration.accessLevel = level;
    return this;
  }

  // ---- reading ----

  /** This variable at a JSON path, e.g. `order.jsonPath('$.total')`; mutations then change that field. */
  jsonPath(path: string): WfRunVariable<T> {
    if (this.path !== undefined) throw new WorkflowDefinitionError(`variable '${this.name}' already has JSON path ${this.path}`);
    return new WfRunVariable<T>(this.declaration, this.activeThread, path);
  }

  override toAssignment(_thread: ThreadRef): VariableAssignment {
    return { variableName: this.name, ...(this.path === undefined ? {} : { jsonPath: this.path }) };
  }

  // ---- mutations: attached to the edge that leaves the current node of the thread being built ----

  assign(value: WfValue): void {
    this.mutate('ASSIGN', value);
  }

  add(value: WfValue): void {
    this.mutate('ADD', value);
  }

  extend(value: WfValue): void {
    this.mutate('EXTEND', value);
  }

  subtract(value: WfValue): void {
    this.mutate('SUBTRACT', value);
  }

  multiply(value: WfValue): void {
    this.mutate('MULTIPLY', value);
  }

  divide(value: WfValue): void {
    this.mutate('DIVIDE', value);
  }

  removeIfPresent(value: WfValue): void {
    this.mutate('REMOVE_IF_PRESENT', value);
  }

  removeIndex(index: WfValue): void {
    this.mutate('REMOVE_INDEX', index);
  }

  removeKey(key: WfValue): void {
    this.mutate('REMOVE_KEY', key);
  }

  mutate(operation: MutationType, value: WfValue): void {
    this.activeThread().mutate(this, operation, value);
  }

  /** @internal The ThreadVarDef of the compiled ThreadSpec. */
  toThreadVarDef(): ThreadVarDef {
    const d = this.declaration;
    return {
      varDef: {
        name: d.name,
        typeDef: { primitiveType: d.type, masked: d.masked },
        ...(d.defaultValue === undefined ? {} : { defaultValue: d.defaultValue }),
      },
      required: d.required,
      searchable: d.searchable,
      jsonIndexes: [...d.jsonIndexes],
      accessLevel: d.accessLevel,
    };
  }
}

/** @internal A fresh declaration with LittleHorse's SDK defaults (optional, not searchable, private). */
export function newDeclaration(name: string, type: PrimitiveType): VariableDeclaration {
  return { name, type, required: false, searchable: false, masked: false, accessLevel: 'PRIVATE_VAR', jsonIndexes: [] };
}
