/**
 * Holds a JSON value against a shape of a vendored service model: required
 * members, types, enums, length, pattern and numeric range, as AWS's
 * frameworks check a request before the operation runs. Outputs are held
 * stricter (no member the model does not name, no nulls): the emulators'
 * answers must be ones AWS could give.
 *
 * Patterns must match the whole value. Smithy's @pattern is not implicitly
 * anchored, but AWS refuses values that only contain a match: the Service
 * Catalog pattern `[a-zA-Z0-9][a-zA-Z0-9._-]*` refused 'My Test Sandbox1'
 * (aws-ia/terraform-aws-control_tower_account_factory#103).
 */
import { COMMON_ERRORS, type ServiceModel, type Shape } from './index';

export type ProblemCode = 'REQUIRED' | 'INVALID_TYPE' | 'INVALID_VALUE' | 'INVALID_LENGTH' | 'INVALID_PATTERN' | 'INVALID_RANGE' | 'UNKNOWN_MEMBER' | 'NULL_VALUE';

export interface Problem {
  /** Member path: `ProgressEvent.OperationStatus`, `Entries[3].Source`. */
  path: string;
  code: ProblemCode;
  message: string;
}

export type Direction = 'input' | 'output';

const regexes = new Map<string, RegExp>();
function fullMatch(pattern: string): RegExp {
  let regex = regexes.get(pattern);
  if (!regex) regexes.set(pattern, (regex = new RegExp(`^(?:${pattern})$`, 'u')));
  return regex;
}

const shown = (value: unknown) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
};

/** Every way `value` breaks shape `shapeName` of `model`; [] when it fits. */
export function checkShape(model: ServiceModel, shapeName: string, value: unknown, direction: Direction, path = ''): Problem[] {
  const shape = model.shapes[shapeName];
  if (!shape) throw new Error(`${model.service}: no shape ${shapeName}`);
  const problems: Problem[] = [];
  const at = path || shapeName;
  const problem = (code: ProblemCode, constraint: string) =>
    problems.push({ path: at, code, message: `Value '${shown(value)}' at '${at}' failed to satisfy constraint: ${constraint}` });
  const typeProblem = (expected: string): Problem[] => {
    problems.push({ path: at, code: 'INVALID_TYPE', message: `Value at '${at}' must be ${expected}, not ${shown(value)}` });
    return problems;
  };
  /** Length of a string (code points), list or map. */
  const sizeOf = (size: number) => {
    if (shape.min !== undefined && size < shape.min) problem('INVALID_LENGTH', `Member must have length greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && size > shape.max) problem('INVALID_LENGTH', `Member must have length less than or equal to ${shape.max}`);
  };

  switch (shape.type) {
    case 'structure': {
      if (!isObject(value)) return typeProblem('an object');
      const members = shape.members ?? {};
      for (const name of shape.required ?? []) {
        if (value[name] === undefined || value[name] === null) {
          problems.push({ path: join(path, name), code: 'REQUIRED', message: `Value null at '${join(path, name)}' failed to satisfy constraint: Member must not be null` });
        }
      }
      for (const [name, member] of Object.entries(value)) {
        const ref = members[name];
        if (!ref) {
          // AWS ignores members a request has that the model does not; an answer must not have them.
          if (direction === 'output') problems.push({ path: join(path, name), code: 'UNKNOWN_MEMBER', message: `'${join(path, name)}' is not a member of ${shapeName}` });
          continue;
        }
        if (member === null) {
          if (direction === 'output') problems.push({ path: join(path, name), code: 'NULL_VALUE', message: `'${join(path, name)}' is null: AWS leaves out members it has no value for` });
          continue;
        }
        if (member !== undefined) problems.push(...checkShape(model, ref.shape, member, direction, join(path, name)));
      }
      return problems;
    }
    case 'list':
      if (!Array.isArray(value)) return typeProblem('a list');
      sizeOf(value.length);
      value.forEach((item, i) => problems.push(...checkShape(model, shape.member!.shape, item, direction, `${at}[${i}]`)));
      return problems;
    case 'map':
      if (!isObject(value)) return typeProblem('a map');
      sizeOf(Object.keys(value).length);
      for (const [key, item] of Object.entries(value)) {
        problems.push(...checkShape(model, shape.key!.shape, key, direction, `${at} key '${key}'`));
        problems.push(...checkShape(model, shape.value!.shape, item, direction, `${at}.${key}`));
      }
      return problems;
    case 'string':
      if (typeof value !== 'string') return typeProblem('a string');
      if (shape.enum && !shape.enum.includes(value)) problem('INVALID_VALUE', `Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (shape.min !== undefined || shape.max !== undefined) sizeOf([...value].length);
      if (shape.pattern && !fullMatch(shape.pattern).test(value)) problem('INVALID_PATTERN', `Member must satisfy regular expression pattern: ${shape.pattern}`);
      return problems;
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      const whole = shape.type === 'integer' || shape.type === 'long';
      if (typeof value !== 'number' || !Number.isFinite(value) || (whole && !Number.isInteger(value))) return typeProblem(`a number (${shape.type})`);
      if (shape.min !== undefined && value < shape.min) problem('INVALID_RANGE', `Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) problem('INVALID_RANGE', `Member must have value less than or equal to ${shape.max}`);
      return problems;
    }
    case 'boolean':
      if (typeof value !== 'boolean') typeProblem('a boolean');
      return problems;
    case 'timestamp':
      // AWS JSON protocols send epoch seconds unless the shape says iso8601.
      if (shape.timestampFormat === 'iso8601' ? typeof value !== 'string' || Number.isNaN(Date.parse(value)) : typeof value !== 'number') {
        typeProblem(shape.timestampFormat === 'iso8601' ? 'an ISO 8601 timestamp' : 'a timestamp in epoch seconds');
      }
      return problems;
    case 'blob':
      if (typeof value !== 'string') typeProblem('base64 text');
      return problems;
    default:
      throw new Error(`${model.service}: shape ${shapeName} has type ${String((shape as Shape).type)}, which the checker does not know`);
  }
}

/** What a call's input breaks in the operation's input shape. */
export function checkInput(model: ServiceModel, operation: string, input: unknown): Problem[] {
  const shape = model.operations[operation]?.input;
  return shape ? checkShape(model, shape, input, 'input') : [];
}

/** What an answer breaks in the operation's output shape (an operation without output answers `{}`). */
export function checkOutput(model: ServiceModel, operation: string, output: unknown): Problem[] {
  const shape = model.operations[operation]?.output;
  if (shape) return checkShape(model, shape, output, 'output');
  return isObject(output) && Object.keys(output).length === 0 ? [] : [{ path: operation, code: 'UNKNOWN_MEMBER', message: `${operation} has no output members` }];
}

/**
 * What an error body breaks: `__type` is an error the operation models or a
 * common error, and the rest of the body fits that error's shape (a common
 * error carries only a message).
 */
export function checkErrorBody(model: ServiceModel, operation: string, body: Record<string, unknown>): Problem[] {
  const { __type, ...members } = body;
  const name = String(__type);
  const modelled = model.operations[operation]?.errors ?? [];
  const shapeName = modelled.find((e) => e === name || model.errors[e]?.queryCode === name);
  if (shapeName) {
    // JSON protocols put the message in `message`, whatever case the model gives it.
    const shape = model.shapes[shapeName]!;
    const messageMember = Object.keys(shape.members ?? {}).find((m) => m.toLowerCase() === 'message');
    if (messageMember && messageMember !== 'message' && 'message' in members) {
      members[messageMember] = members.message;
      delete members.message;
    }
    // Several services model error shapes without a message member, yet every AWS error body has one.
    if (!messageMember) delete members.message;
    return checkShape(model, shapeName, members, 'output', name);
  }
  if (COMMON_ERRORS[name]) {
    const extra = Object.keys(members).filter((m) => m !== 'message' && !isAllowedCommonMember(model, name, m));
    return extra.map((m) => ({ path: `${name}.${m}`, code: 'UNKNOWN_MEMBER' as const, message: `the common error ${name} carries no ${m}` }));
  }
  return [{ path: name, code: 'INVALID_VALUE', message: `${operation} does not model ${name}, and it is no common AWS error` }];
}

/** A common error that the service also models for other operations may carry that shape's members. */
function isAllowedCommonMember(model: ServiceModel, name: string, member: string): boolean {
  return Boolean(model.shapes[name]?.exception && model.shapes[name]?.members?.[member]);
}

/**
 * The error AWS answers a request with that breaks its input shape:
 * SerializationException for a value of the wrong JSON type, else
 * ValidationException with the framework's "N validation errors detected"
 * message. Where the service models ValidationException with a reason and
 * a field list (Partner Central), they are filled in as that shape asks.
 */
export function inputRefusal(model: ServiceModel, problems: Problem[]): { type: string; message: string; members: Record<string, unknown> } {
  const message = `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.map((p) => p.message).join('; ')}`;
  // A query-protocol service (STS) answers every input refusal as ValidationError (its common errors): a form has
  // no types of its own, so a value that is not a number is a constraint failure there, not a serialisation one.
  if (model.protocol === 'query') return { type: 'ValidationError', message, members: {} };
  const wrongType = problems.find((p) => p.code === 'INVALID_TYPE');
  if (wrongType) return { type: 'SerializationException', message: wrongType.message, members: {} };
  const shape = model.shapes.ValidationException;
  const members: Record<string, unknown> = {};
  const reasons = shape?.members?.reason ? model.shapes[shape.members.reason.shape]?.enum : undefined;
  if (reasons?.includes('REQUEST_VALIDATION_FAILED')) members.reason = 'REQUEST_VALIDATION_FAILED';
  if (shape?.members?.fieldList) members.fieldList = problems.map((p) => ({ name: p.path, code: p.code, message: p.message }));
  return { type: 'ValidationException', message, members };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}
