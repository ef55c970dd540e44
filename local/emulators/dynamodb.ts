/**
 * Emulated DynamoDB, as far as the ledger uses it: GetItem, PutItem and
 * DeleteItem on tables keyed by one string attribute, with condition
 * expressions of the forms the ledger writes (attribute_exists,
 * attribute_not_exists, = <> < <= > >=, AND, OR, NOT, parentheses; #names and
 * :values). A failed condition answers ConditionalCheckFailedException, as
 * DynamoDB does; a malformed request answers ValidationException with
 * DynamoDB's message. test/unit/ledger.test.ts runs the same contract against
 * dynalite as a second opinion.
 */
import { AwsError, type ServiceOperations } from './aws-server';

type AttributeValue = { S?: string; N?: string; BOOL?: boolean; B?: string };

/** DynamoDB's item size limit: 400 KB, names and values (Service, account, and table quotas in Amazon DynamoDB). */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * An item's size as DynamoDB counts it: each attribute name's UTF-8 bytes
 * plus its value's (a string's UTF-8 bytes, a number's significant digits
 * halved plus one, a boolean one byte; binary as sent, base64-decoded).
 */
export function itemSize(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += Buffer.byteLength(name);
    if (value.S !== undefined) size += Buffer.byteLength(value.S);
    else if (value.N !== undefined) size += Math.ceil(value.N.replace(/^-|\.|e.*$/gi, '').replace(/^0+/, '').length / 2) + 1;
    else if (value.B !== undefined) size += Buffer.from(value.B, 'base64').length;
    else if (value.BOOL !== undefined) size += 1;
  }
  return size;
}
type Item = Record<string, AttributeValue>;

interface ExpressionContext {
  item: Item | undefined;
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
}

type Operand = { kind: 'name'; token: string } | { kind: 'value'; token: string };
type Condition =
  | { kind: 'or' | 'and'; left: Condition; right: Condition }
  | { kind: 'not'; inner: Condition }
  | { kind: 'exists'; negated: boolean; path: Operand }
  | { kind: 'compare'; comparator: string; left: Operand; right: Operand };

const COMPARATORS = new Set(['=', '<>', '<', '<=', '>', '>=']);
const invalid = (message: string) => new AwsError('ValidationException', `Invalid ConditionExpression: ${message}`);

/** Parses the subset the ledger writes; precedence as DynamoDB's: comparisons, NOT, AND, OR. */
function parseCondition(expression: string): Condition {
  const tokens: string[] = [];
  const lexer = /\s*(<=|>=|<>|[=<>(),]|[#:][A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*|\S)/y;
  for (let match = lexer.exec(expression); match; match = lexer.exec(expression)) tokens.push(match[1]!);
  let position = 0;
  const peek = () => tokens[position];
  const keyword = (word: string) => peek()?.toUpperCase() === word; // AND, OR, NOT are case-insensitive
  const syntaxError = () => invalid(`Syntax error; token: "${peek() ?? '<EOF>'}", near: "${tokens.slice(Math.max(0, position - 1), position + 2).join(' ')}"`);
  const expect = (token: string) => {
    if (peek() !== token) throw syntaxError();
    position++;
  };
  const operand = (): Operand => {
    const token = peek();
    if (token === undefined || !/^[#:A-Za-z_]/.test(token) || ['AND', 'OR', 'NOT'].includes(token.toUpperCase())) throw syntaxError();
    if (/^[.[]/.test(tokens[position + 1] ?? '')) throw invalid('nested document paths are not implemented by the local DynamoDB emulator');
    position++;
    return token.startsWith(':') ? { kind: 'value', token } : { kind: 'name', token };
  };
  const primary = (): Condition => {
    if (peek() === '(') {
      position++;
      const inner = or();
      expect(')');
      return inner;
    }
    if (peek() === 'attribute_exists' || peek() === 'attribute_not_exists') {
      const negated = peek() === 'attribute_not_exists';
      position++;
      expect('(');
      const path = operand();
      if (path.kind === 'value') throw invalid(`Operator or function requires a document path; operator or function: ${negated ? 'attribute_not_exists' : 'attribute_exists'}`);
      expect(')');
      return { kind: 'exists', negated, path };
    }
    if (tokens[position + 1] === '(') throw invalid(`the function ${peek()} is not implemented by the local DynamoDB emulator`);
    const left = operand();
    const comparator = peek();
    if (comparator?.toUpperCase() === 'BETWEEN' || comparator?.toUpperCase() === 'IN') throw invalid(`${comparator} is not implemented by the local DynamoDB emulator`);
    if (comparator === undefined || !COMPARATORS.has(comparator)) throw syntaxError();
    position++;
    return { kind: 'compare', comparator, left, right: operand() };
  };
  const not = (): Condition => {
    if (!keyword('NOT')) return primary();
    position++;
    return { kind: 'not', inner: not() };
  };
  const and = (): Condition => {
    let left = not();
    while (keyword('AND')) {
      position++;
      left = { kind: 'and', left, right: not() };
    }
    return left;
  };
  const or = (): Condition => {
    let left = and();
    while (keyword('OR')) {
      position++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const condition = or();
  if (position < tokens.length) throw syntaxError();
  return condition;
}

function operandsOf(condition: Condition): Operand[] {
  switch (condition.kind) {
    case 'or':
    case 'and':
      return [...operandsOf(condition.left), ...operandsOf(condition.right)];
    case 'not':
      return operandsOf(condition.inner);
    case 'exists':
      return [condition.path];
    case 'compare':
      return [condition.left, condition.right];
  }
}

/** A DynamoDB number as sign, significant digits and exponent: value = sign × 0.digits × 10^exponent. */
function decimal(n: string): { sign: number; digits: string; exponent: number } {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(n.trim());
  if (!match || match[2]! + (match[3] ?? '') === '') throw new AwsError('ValidationException', 'A value provided cannot be converted into a number');
  let digits = match[2]! + (match[3] ?? '');
  let exponent = match[2]!.length + Number(match[4] ?? 0);
  const leading = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(leading).replace(/0+$/, '');
  exponent -= leading;
  return digits === '' ? { sign: 0, digits: '', exponent: 0 } : { sign: match[1] === '-' ? -1 : 1, digits, exponent };
}

/** Numbers compare exactly (DynamoDB keeps 38 digits; a JavaScript number keeps about 16). */
function compareNumbers(a: string, b: string): number {
  const [x, y] = [decimal(a), decimal(b)];
  if (x.sign !== y.sign) return Math.sign(x.sign - y.sign);
  if (x.sign === 0) return 0;
  if (x.exponent !== y.exponent) return x.sign * Math.sign(x.exponent - y.exponent);
  const length = Math.max(x.digits.length, y.digits.length);
  const [dx, dy] = [x.digits.padEnd(length, '0'), y.digits.padEnd(length, '0')];
  return x.sign * (dx < dy ? -1 : dx > dy ? 1 : 0);
}

/**
 * Orders two values of one type, or says they do not compare: values of
 * different types never match (API reference, Condition: {"S":"6"} does not
 * equal {"N":"6"}). Strings order by their UTF-8 bytes, binaries by their bytes.
 */
function order(a: AttributeValue, b: AttributeValue, equalityOnly: boolean): number | undefined {
  const [typeA, typeB] = [Object.keys(a)[0], Object.keys(b)[0]];
  if (typeA === undefined || typeA !== typeB) return undefined;
  if (a.N !== undefined && b.N !== undefined) return compareNumbers(a.N, b.N);
  if (a.S !== undefined && b.S !== undefined) return Buffer.compare(Buffer.from(a.S, 'utf8'), Buffer.from(b.S, 'utf8'));
  if (a.B !== undefined && b.B !== undefined) return Buffer.compare(Buffer.from(a.B, 'base64'), Buffer.from(b.B, 'base64'));
  if (!equalityOnly) return undefined; // <, <=, >, >= take strings, numbers and binaries only
  return JSON.stringify(a) === JSON.stringify(b) ? 0 : 1;
}

/**
 * Evaluates a condition expression against an item. Placeholders must all be
 * defined and all be used, as DynamoDB requires.
 */
export function evaluateCondition(expression: string, context: ExpressionContext): boolean {
  const condition = parseCondition(expression);
  const operands = operandsOf(condition);
  for (const { token } of operands) {
    if (token.startsWith('#') && !Object.hasOwn(context.names, token)) {
      throw invalid(`An expression attribute name used in the document path is not defined; attribute name: ${token}`);
    }
    if (token.startsWith(':') && !Object.hasOwn(context.values, token)) {
      throw invalid(`An expression attribute value used in expression is not defined; attribute value: ${token}`);
    }
  }
  // A literal that cannot be ordered is refused before anything is evaluated; an attribute of such a type just does not match.
  const literalTypeError = (c: Condition): void => {
    if (c.kind === 'or' || c.kind === 'and') [c.left, c.right].forEach(literalTypeError);
    else if (c.kind === 'not') literalTypeError(c.inner);
    else if (c.kind === 'compare' && c.comparator !== '=' && c.comparator !== '<>') {
      for (const o of [c.left, c.right]) {
        const type = o.kind === 'value' ? Object.keys(context.values[o.token]!)[0] : undefined;
        if (type !== undefined && !['S', 'N', 'B'].includes(type)) throw invalid(`Incorrect operand type for operator or function; operator: ${c.comparator}, operand type: ${type}`);
      }
    }
  };
  literalTypeError(condition);
  const used = new Set(operands.map((o) => o.token));
  const unusedNames = Object.keys(context.names).filter((k) => !used.has(k));
  if (unusedNames.length) throw new AwsError('ValidationException', `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`);
  const unusedValues = Object.keys(context.values).filter((k) => !used.has(k));
  if (unusedValues.length) throw new AwsError('ValidationException', `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`);

  const resolve = (o: Operand): AttributeValue | undefined =>
    o.kind === 'value' ? context.values[o.token] : context.item?.[o.token.startsWith('#') ? context.names[o.token]! : o.token];
  const evaluate = (c: Condition): boolean => {
    switch (c.kind) {
      case 'or':
        return evaluate(c.left) || evaluate(c.right);
      case 'and':
        return evaluate(c.left) && evaluate(c.right);
      case 'not':
        return !evaluate(c.inner);
      case 'exists':
        return (resolve(c.path) === undefined) === c.negated;
      case 'compare': {
        const [left, right] = [resolve(c.left), resolve(c.right)];
        const equalityOnly = c.comparator === '=' || c.comparator === '<>';
        const ordered = left === undefined || right === undefined ? undefined : order(left, right, equalityOnly);
        // A missing attribute, or values of different types, match nothing, so `<>` holds.
        if (ordered === undefined) return c.comparator === '<>';
        switch (c.comparator) {
          case '=':
            return ordered === 0;
          case '<>':
            return ordered !== 0;
          case '<':
            return ordered < 0;
          case '<=':
            return ordered <= 0;
          case '>':
            return ordered > 0;
          default:
            return ordered >= 0;
        }
      }
    }
  };
  return evaluate(condition);
}

export class DynamoDbEmulator {
  /** table → key value → item. */
  readonly tables = new Map<string, Map<string, Item>>();

  constructor(tableNames: string[]) {
    for (const name of tableNames) this.tables.set(name, new Map());
  }

  operations(): ServiceOperations {
    return {
      GetItem: (input) => {
        const item = this.table(input).get(this.keyOf(input.Key as Item));
        return item ? { Item: item } : {};
      },
      PutItem: (input) => {
        const item = input.Item as Item;
        const key = this.keyOfItem(item);
        if (itemSize(item) > MAX_ITEM_BYTES) throw new AwsError('ValidationException', 'Item size has exceeded the maximum allowed size');
        this.check(input, this.table(input).get(key));
        this.table(input).set(key, item);
        return {};
      },
      DeleteItem: (input) => {
        const key = this.keyOf(input.Key as Item);
        this.check(input, this.table(input).get(key));
        this.table(input).delete(key);
        return {};
      },
    };
  }

  private table(input: Record<string, unknown>): Map<string, Item> {
    const table = this.tables.get(String(input.TableName));
    if (!table) throw new AwsError('ResourceNotFoundException', `Requested resource not found: Table: ${String(input.TableName)} not found`);
    return table;
  }

  /** Tables here have one string hash key, named `key` (serverless.yml's LedgerTable): a Key is exactly that. */
  private keyOf(key: Item | undefined): string {
    if (!key || Object.keys(key).length !== 1 || key.key?.S === undefined) throw new AwsError('ValidationException', 'The provided key element does not match the schema');
    return this.nonEmpty(key.key.S);
  }

  /** An item to put names its key, a string; other attributes are free. */
  private keyOfItem(item: Item | undefined): string {
    const value = item?.key;
    if (!value) throw new AwsError('ValidationException', 'One or more parameter values were invalid: Missing the key key in the item');
    if (value.S === undefined) throw new AwsError('ValidationException', `One or more parameter values were invalid: Type mismatch for key key expected: S actual: ${Object.keys(value)[0]}`);
    return this.nonEmpty(value.S);
  }

  private nonEmpty(key: string): string {
    if (key === '') throw new AwsError('ValidationException', 'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: key');
    return key;
  }

  private check(input: Record<string, unknown>, existing: Item | undefined): void {
    if (typeof input.ConditionExpression !== 'string') {
      if (input.ExpressionAttributeNames !== undefined) throw new AwsError('ValidationException', 'ExpressionAttributeNames can only be specified when using expressions');
      if (input.ExpressionAttributeValues !== undefined) throw new AwsError('ValidationException', 'ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null');
      return;
    }
    const ok = evaluateCondition(input.ConditionExpression, {
      item: existing,
      names: (input.ExpressionAttributeNames ?? {}) as Record<string, string>,
      values: (input.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>,
    });
    if (!ok) throw new AwsError('ConditionalCheckFailedException', 'The conditional request failed');
  }
}
